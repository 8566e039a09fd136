import { createRateWindow, type RateWindow } from '@aimux/ai-core/provider-kit'
import { describe, expect, it } from 'vitest'
import { useTestStates } from '../test/open-state.js'
import { testClient } from '../test/test-redis.js'

type Check = {
  key: string
  window: 'minute' | 'day'
  kind: 'requests' | 'tokens'
  max: number
}

const openState = useTestStates()
/** A time on a whole minute, so that the buckets of both windows start with it. */
const T = 1_700_000_040_000
const SECOND = 1_000
const MINUTE = 60_000
const DAY = 86_400_000

const minuteRequests = (key: string, max: number): Check => ({ key, window: 'minute', kind: 'requests', max })

describe('acquire', () => {
  it('admits up to max in a minute, then answers the wait until the oldest bucket leaves', async () => {
    const { rateLimits } = await openState()
    const checks = [minuteRequests('user:u1', 3)]
    for (const at of [T, T + 10_000, T + 20_500])
      expect(await rateLimits!.acquire(checks, at)).toEqual({ ok: true })
    // The bucket of T (its second) ends at T + 1 s and leaves the window a minute after.
    expect(await rateLimits!.acquire(checks, T + 30_000)).toEqual({ ok: false, check: 0, waitMs: 31_000 })
    expect(await rateLimits!.acquire(checks, T + 60_999)).toEqual({ ok: false, check: 0, waitMs: 1 })
    expect(await rateLimits!.acquire(checks, T + 61_000)).toEqual({ ok: true })
    expect(await rateLimits!.acquire(checks, T + 61_000)).toEqual({
      ok: false,
      check: 0,
      waitMs: 10_000,
    })
  })

  it('answers the check that needs the longest wait, and counts nothing when one has no room', async () => {
    const { rateLimits } = await openState()
    const day: Check = { key: 'tenant:t1', window: 'day', kind: 'requests', max: 1 }
    expect(await rateLimits!.acquire([minuteRequests('user:u1', 1), day], T)).toEqual({ ok: true })
    expect(await rateLimits!.acquire([minuteRequests('user:u1', 1), day], T + 5_000)).toEqual({
      ok: false,
      check: 1,
      waitMs: DAY + MINUTE - 5_000,
    })
    // Refused: user:u2 was not counted, so it still has room for its one request.
    expect(await rateLimits!.acquire([minuteRequests('user:u2', 1), day], T + 5_000)).toMatchObject({
      ok: false,
    })
    expect(await rateLimits!.acquire([minuteRequests('user:u2', 1)], T + 5_000)).toEqual({ ok: true })
  })

  it('counts one request on a (key, window) however many checks name it', async () => {
    const { rateLimits } = await openState()
    const checks: Check[] = [
      minuteRequests('user:u1', 2),
      { key: 'user:u1', window: 'minute', kind: 'tokens', max: 1_000 },
      minuteRequests('user:u1', 5),
    ]
    expect(await rateLimits!.acquire(checks, T)).toEqual({ ok: true })
    expect(await rateLimits!.acquire(checks, T)).toEqual({ ok: true })
    expect(await rateLimits!.acquire(checks, T)).toEqual({ ok: false, check: 0, waitMs: 61_000 })
  })

  it('keeps a counter per key: one user at its limit leaves the others alone', async () => {
    const { rateLimits } = await openState()
    expect(await rateLimits!.acquire([minuteRequests('user:a', 1)], T)).toEqual({ ok: true })
    expect(await rateLimits!.acquire([minuteRequests('user:a', 1)], T)).toMatchObject({ ok: false })
    expect(await rateLimits!.acquire([minuteRequests('user:b', 1)], T)).toEqual({ ok: true })
    expect(await rateLimits!.acquire([minuteRequests('user:a:b', 1)], T)).toEqual({ ok: true })
  })
})

describe('addTokens', () => {
  it('counts tokens on every window the checks name, once each, for the next acquire to see', async () => {
    const { rateLimits } = await openState()
    const tokensPerMinute: Check = { key: 'user:u1', window: 'minute', kind: 'tokens', max: 100 }
    const tokensPerDay: Check = { key: 'user:u1', window: 'day', kind: 'tokens', max: 250 }
    const checks = [tokensPerMinute, tokensPerDay, { ...tokensPerMinute, max: 200 }]
    expect(await rateLimits!.acquire(checks, T)).toEqual({ ok: true })
    await rateLimits!.addTokens(checks, 60, T + 1_500)
    expect(await rateLimits!.acquire(checks, T + 2_000)).toEqual({ ok: true })
    await rateLimits!.addTokens(checks, 60, T + 2_500)
    // 120 tokens this minute: over 100, under 200 and under the day's 250.
    expect(await rateLimits!.acquire(checks, T + 3_000)).toEqual({ ok: false, check: 0, waitMs: 59_000 })
    await rateLimits!.addTokens(checks, 200, T + 70_000)
    // 320 today: the day's wait, until the minute that holds 260 of them has left.
    expect(await rateLimits!.acquire(checks, T + 80_000)).toEqual({
      ok: false,
      check: 1,
      waitMs: MINUTE + DAY - 80_000,
    })
  })
})

describe('a day of buckets', () => {
  it('finds the wait and drops the buckets that left however many the window holds', async () => {
    const { rateLimits, prefix } = await openState()
    const tokensPerDay: Check = { key: 'user:u1', window: 'day', kind: 'tokens', max: 1_000 }
    // 250 minutes with 10 tokens each: 2,500 in the window.
    for (let minute = 0; minute < 250; minute++)
      await rateLimits!.addTokens([tokensPerDay], 10, T + minute * MINUTE)
    // Below 1,000 once 151 minutes have left: the 151st (minute 150) leaves a day after it ends.
    const at = T + 250 * MINUTE
    expect(await rateLimits!.acquire([tokensPerDay], at)).toEqual({
      ok: false,
      check: 0,
      waitMs: T + 151 * MINUTE + DAY - at,
    })
    // A day after minute 229 ended, 230 buckets have left; 20 stay, with 200 tokens.
    expect(await rateLimits!.acquire([tokensPerDay], T + 230 * MINUTE + DAY)).toEqual({ ok: true })
    const client = await testClient()
    try {
      expect(await client.lLen(`${prefix}rate:day:buckets:user:u1`)).toBe(21)
      expect(await client.hGetAll(`${prefix}rate:day:totals:user:u1`)).toEqual({ r: '1', t: '200' })
    } finally {
      client.destroy()
    }
  })
})

describe('keys in Redis', () => {
  it('expire once the newest bucket has left the window, and drop buckets that left', async () => {
    const { rateLimits, prefix } = await openState()
    const client = await testClient()
    try {
      const checks: Check[] = [
        minuteRequests('user:u1', 1_000),
        { key: 'user:u1', window: 'day', kind: 'requests', max: 10_000 },
      ]
      // Three minutes of calls, one each 500 ms: 361 seconds' buckets were made.
      for (let at = T; at <= T + 180_000; at += 500) await rateLimits!.acquire(checks, at)
      const totals = `${prefix}rate:minute:totals:user:u1`
      const buckets = `${prefix}rate:minute:buckets:user:u1`
      // The window holds the buckets of the last 60 seconds and the one being filled.
      expect(await client.lLen(buckets)).toBe(61)
      expect(await client.lIndex(buckets, 0)).toBe(`${(T + 120_000) / SECOND} 2 0`)
      expect(await client.lIndex(buckets, -1)).toBe(`${(T + 180_000) / SECOND} 1 0`)
      // The requests of the window; no tokens were counted.
      expect(await client.hGetAll(totals)).toEqual({ r: '121' })
      // The newest bucket ends at T + 181 s and leaves a minute after, plus a bucket of slack.
      for (const key of [totals, buckets]) {
        const ttl = await client.pTTL(key)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(1_000 + MINUTE + SECOND)
      }
      const dayTtl = await client.pTTL(`${prefix}rate:day:totals:user:u1`)
      expect(dayTtl).toBeGreaterThan(DAY)
      expect(dayTtl).toBeLessThanOrEqual(DAY + 2 * MINUTE)
      // Once every bucket has left, the next check finds nothing and deletes the keys.
      expect(await rateLimits!.acquire([minuteRequests('user:u1', 1)], T + 500_000)).toEqual({ ok: true })
      expect(await client.lRange(buckets, 0, -1)).toEqual([`${(T + 500_000) / SECOND} 1 0`])
      expect(await client.hGetAll(totals)).toEqual({ r: '1' })
    } finally {
      client.destroy()
    }
  })
})

describe('against the in-memory window', () => {
  it('answers what rate-window.ts answers, over a thousand random calls', async () => {
    const { rateLimits } = await openState()
    // The reference: the core's sliding window, one per (key, window), as the memory state uses it.
    const reference = new Map<string, RateWindow>()
    const windowOf = ({ key, window }: Check) => {
      const id = `${window}|${key}`
      let found = reference.get(id)
      if (!found) {
        found = window === 'minute' ? createRateWindow(MINUTE, SECOND) : createRateWindow(DAY, MINUTE)
        reference.set(id, found)
      }
      return found
    }
    const distinct = (checks: Check[]) => [...new Set(checks.map(windowOf))]
    const expected = (checks: Check[], at: number) => {
      let wait = 0
      let blocking = -1
      checks.forEach((check, i) => {
        const until = windowOf(check).waitUntilBelow(at, check.kind, check.max)
        if (until > wait) {
          wait = until
          blocking = i
        }
      })
      if (blocking >= 0) return { ok: false, check: blocking, waitMs: wait }
      for (const window of distinct(checks)) window.add(at, 1, 0)
      return { ok: true }
    }

    // A small seeded generator (mulberry32), so that a failure can be replayed.
    let seed = 20_261_103
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) % n
    }
    const pool: Check[] = [
      minuteRequests('user:u1', 5),
      minuteRequests('tenant:t1', 8),
      { key: 'user:u1', window: 'minute', kind: 'tokens', max: 400 },
      { key: 'user:u1', window: 'day', kind: 'requests', max: 40 },
      { key: 'tenant:t1', window: 'day', kind: 'tokens', max: 3_000 },
    ]
    let at = T + 123
    let refused = 0
    for (let step = 0; step < 1_000; step++) {
      at += [0, 7, 250, 999, 4_000, 61_000][random(6)]!
      const checks = pool.filter(() => random(2) === 1)
      if (random(3) === 0) {
        const tokens = random(150)
        await rateLimits!.addTokens(checks, tokens, at)
        if (tokens > 0) for (const window of distinct(checks)) window.add(at, 0, tokens)
        continue
      }
      const want = checks.length === 0 ? { ok: true } : expected(checks, at)
      if (!want.ok) refused++
      expect(await rateLimits!.acquire(checks, at), `step ${step} at ${at}`).toEqual(want)
    }
    // The sequence exercised both answers.
    expect(refused).toBeGreaterThan(50)
  })
})
