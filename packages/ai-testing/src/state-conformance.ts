import { randomUUID } from 'node:crypto'
import type {
  CircuitSettings,
  ProviderResult,
  RateLimitCheck,
  RateLimitState,
  ResponseCacheState,
  SharedState,
} from '@aimux/ai-core'
import type { CircuitState } from '@aimux/ai-core/store-kit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SECOND = 1_000
const MINUTE = 60_000
const DAY = 86_400_000

/**
 * Makes the state one test uses. `namespace` is new for every test (letters, digits, dashes and a
 * colon): a shared implementation keeps its keys under it, so tests never see each other's
 * counters, answers or circuits, in one run or across runs.
 */
export type MakeState = (namespace: string) => SharedState | Promise<SharedState>

/**
 * The behaviour every SharedState (`host.registerSharedState`) must have, as a vitest suite: the
 * rate-limit windows, the response cache and the circuits, each port called as the core's
 * middleware calls it, awaited whether it answers at once or with a promise. Call it at the top
 * level of a test file: `stateConformance('memory', () => createMemorySharedState())`. The state
 * must implement all three ports; its close(), when it has one, runs after each test.
 *
 * Times are passed as the core passes them, the caller's clock in milliseconds: the tests use
 * times from the next UTC midnight on, so that every bucket boundary is known. Only the cache's
 * TTL, which the port does not time, is waited for in real time, with bounds far above it.
 */
export function stateConformance(name: string, makeState: MakeState): void {
  describe(`state conformance: ${name}`, () => {
    let state: SharedState | undefined

    beforeEach(async () => {
      state = await makeState(`conformance:${randomUUID()}`)
    })

    afterEach(async () => {
      await state?.close?.()
      state = undefined
    })

    const port =
      <K extends 'rateLimits' | 'responseCache' | 'circuits'>(key: K) =>
      () => {
        if (!state) throw new Error('The state is made before each test; read it inside a test.')
        const found = state[key]
        if (!found) throw new Error(`The shared state '${state.name}' has no ${key} port.`)
        return found as NonNullable<SharedState[K]>
      }

    rateLimitSuite(port('rateLimits'))
    responseCacheSuite(port('responseCache'))
    circuitSuite(port('circuits'))
  })
}

/** The next UTC midnight: a minute and a second both start there. */
const midnight = () => Math.ceil(Date.now() / DAY) * DAY + DAY

const check = (
  key: string,
  window: 'minute' | 'day',
  max: number,
  kind: 'requests' | 'tokens' = 'requests',
): RateLimitCheck => ({ key, window, kind, max })

function rateLimitSuite(limits: () => RateLimitState): void {
  describe('rate limits', () => {
    const acquire = async (checks: RateLimitCheck[], at: number) => await limits().acquire(checks, at)

    it('admits up to max, then refuses with the exact wait until the first bucket leaves', async () => {
      const t = midnight()
      const checks = [check('user:u1', 'minute', 3)]
      expect(await acquire(checks, t + 500)).toEqual({ ok: true })
      expect(await acquire(checks, t + 1_200)).toEqual({ ok: true })
      expect(await acquire(checks, t + 1_900)).toEqual({ ok: true })
      // The bucket of [t, t + 1 s) leaves the window once a minute has passed since its end.
      expect(await acquire(checks, t + 2_000)).toEqual({
        ok: false,
        check: 0,
        waitMs: MINUTE + SECOND - 2_000,
      })
      expect(await acquire(checks, t + MINUTE + SECOND - 1)).toEqual({ ok: false, check: 0, waitMs: 1 })
      expect(await acquire(checks, t + MINUTE + SECOND)).toEqual({ ok: true })
      // Full again: the two calls of the next second leave a second later.
      expect(await acquire(checks, t + MINUTE + SECOND)).toEqual({ ok: false, check: 0, waitMs: SECOND })
    })

    it('answers the check that waits longest, and counts nothing when it refuses', async () => {
      const t = midnight()
      const day = [check('user:u1', 'day', 1)]
      expect(await acquire(day, t + 30_000)).toEqual({ ok: true })
      const checks = [check('model:p:m', 'minute', 2), check('user:u1', 'minute', 5), ...day]
      // The day's only minute bucket leaves a day after its end.
      expect(await acquire(checks, t + 40_000)).toEqual({
        ok: false,
        check: 2,
        waitMs: DAY + MINUTE - 40_000,
      })
      // Nothing was counted on the model: its two calls still fit.
      const model = [check('model:p:m', 'minute', 2)]
      expect(await acquire(model, t + 41_000)).toEqual({ ok: true })
      expect(await acquire(model, t + 41_000)).toEqual({ ok: true })
      expect(await acquire(model, t + 41_000)).toMatchObject({ ok: false, check: 0 })
    })

    it('slides a minute window second by second', async () => {
      const t = midnight()
      const checks = [check('key:k', 'minute', 2)]
      expect(await acquire(checks, t)).toEqual({ ok: true })
      expect(await acquire(checks, t + 30_000)).toEqual({ ok: true })
      expect(await acquire(checks, t + 30_000)).toEqual({ ok: false, check: 0, waitMs: 31_000 })
      expect(await acquire(checks, t + 61_000)).toEqual({ ok: true })
      // Now the call at t + 30 s is the oldest: its bucket leaves at t + 91 s.
      expect(await acquire(checks, t + 61_000)).toEqual({ ok: false, check: 0, waitMs: 30_000 })
    })

    it('counts a day in buckets of a minute', async () => {
      const t = midnight()
      const checks = [check('tenant:t1', 'day', 2)]
      expect(await acquire(checks, t + 10_000)).toEqual({ ok: true })
      expect(await acquire(checks, t + 6 * 3_600_000)).toEqual({ ok: true })
      expect(await acquire(checks, t + 12 * 3_600_000)).toEqual({
        ok: false,
        check: 0,
        waitMs: DAY + MINUTE - 12 * 3_600_000,
      })
      expect(await acquire(checks, t + DAY + MINUTE)).toEqual({ ok: true })
    })

    it('counts tokens with addTokens, once per counter window', async () => {
      const t = midnight()
      const checks = [check('key:k', 'minute', 100, 'tokens'), check('key:k', 'minute', 50)]
      expect(await acquire(checks, t + 100)).toEqual({ ok: true })
      await limits().addTokens(checks, 60, t + 2_100)
      // 60 tokens, not 120: both checks name one window.
      expect(await acquire(checks, t + 2_200)).toEqual({ ok: true })
      await limits().addTokens(checks, 40, t + 2_300)
      expect(await acquire(checks, t + 2_400)).toEqual({
        ok: false,
        check: 0,
        waitMs: MINUTE + 3_000 - 2_400,
      })
      // A day window of the same key counts them on its own.
      const day = [check('key:k', 'day', 50, 'tokens')]
      expect(await acquire(day, t + 2_500)).toEqual({ ok: true })
      await limits().addTokens(day, 50, t + 2_600)
      expect(await acquire(day, t + 2_700)).toMatchObject({ ok: false, check: 0 })
    })

    it('counts one request once per counter window, however many checks name it', async () => {
      const t = midnight()
      const checks = [check('key:k', 'minute', 2), check('key:k', 'minute', 1_000, 'tokens')]
      expect(await acquire(checks, t)).toEqual({ ok: true })
      expect(await acquire(checks, t)).toEqual({ ok: true })
      expect(await acquire(checks, t)).toMatchObject({ ok: false, check: 0 })
    })

    it('keeps distinct keys apart', async () => {
      const t = midnight()
      expect(await acquire([check('user:a', 'minute', 1)], t)).toEqual({ ok: true })
      expect(await acquire([check('user:a', 'minute', 1)], t)).toMatchObject({ ok: false })
      expect(await acquire([check('user:b', 'minute', 1)], t)).toEqual({ ok: true })
      expect(await acquire([check('tenant:a', 'minute', 1)], t)).toEqual({ ok: true })
    })

    it('never admits more than max to acquires made at once', async () => {
      const t = midnight()
      const checks = [check('key:busy', 'minute', 10), check('key:busy', 'day', 1_000)]
      const decisions = await Promise.all(Array.from({ length: 50 }, () => acquire(checks, t + 500)))
      expect(decisions.filter((d) => d.ok)).toHaveLength(10)
      for (const refused of decisions.filter((d) => !d.ok))
        expect(refused).toEqual({ ok: false, check: 0, waitMs: MINUTE + SECOND - 500 })
    })
  })
}

const answer = (text: string): ProviderResult => ({
  content: [
    { type: 'text', text },
    { type: 'tool-call', id: 'call_1', name: 'lookup', args: { q: text, n: [1, 2], deep: { ok: true } } },
  ],
  finishReason: 'tool-calls',
  usage: {
    inputTokens: 12,
    cachedInputTokens: 4,
    cacheWriteTokens: 0,
    outputTokens: 3,
    reasoningTokens: 0,
    totalTokens: 15,
  },
  costNanoUsd: 1_250,
  model: 'm-2030-01-01',
})

/** Polls `read` until it answers undefined; fails after `withinMs`. */
async function goneWithin(read: () => Promise<unknown>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs
  while ((await read()) !== undefined) {
    if (Date.now() > deadline) throw new Error(`still cached ${withinMs} ms after it should have expired`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function responseCacheSuite(cache: () => ResponseCacheState): void {
  describe('response cache', () => {
    const get = async (key: string) => await cache().get(key)

    it('answers what was set, whole, and nothing for a key never set', async () => {
      await cache().set('a'.repeat(64), answer('four'), 60_000)
      expect(await get('a'.repeat(64))).toEqual(answer('four'))
      expect(await get('b'.repeat(64))).toBeUndefined()
    })

    it('keeps the latest answer set for a key', async () => {
      await cache().set('k', answer('first'), 60_000)
      await cache().set('k', answer('second'), 60_000)
      expect(await get('k')).toEqual(answer('second'))
    })

    it('hands out copies: changing one changes nothing kept', async () => {
      const stored = answer('kept')
      await cache().set('k', stored, 60_000)
      stored.finishReason = 'length'
      const read = (await get('k'))!
      read.content.length = 0
      expect(await get('k')).toEqual(answer('kept'))
    })

    it('forgets an answer once its own TTL has passed', async () => {
      await cache().set('short', answer('short'), 50)
      await cache().set('long', answer('long'), 60_000)
      await goneWithin(() => get('short'), 5_000)
      expect(await get('long')).toEqual(answer('long'))
    })
  })
}

const settings: CircuitSettings = { failureRate: 0.5, minRequests: 2, windowMs: 10_000, openMs: 5_000 }

function circuitSuite(circuits: () => CircuitState): void {
  describe('circuits', () => {
    const admit = async (key: string, at: number) => await circuits().admit(key, settings, at)
    const record = async (key: string, ok: boolean, at: number, trial = false) =>
      await circuits().record(key, { ok, trial }, settings, at)
    /** Opens the circuit `key` at `t` with two failures. */
    const open = async (key: string, t: number) => {
      for (const at of [t - 1, t]) {
        await admit(key, at)
        await record(key, false, at)
      }
    }

    it('opens at the failure rate once the window holds minRequests calls', async () => {
      const t = midnight()
      expect(await admit('p:m', t)).toEqual({ ok: true, trial: false, changes: [] })
      expect(await record('p:m', true, t)).toEqual([])
      expect(await record('p:m', true, t + 1)).toEqual([])
      expect(await record('p:m', false, t + 2)).toEqual([]) // 1 failure in 3
      expect(await record('p:m', false, t + 3)).toEqual([{ from: 'closed', to: 'open', failureRate: 0.5 }])
      expect(await admit('p:m', t + 1_003)).toEqual({ ok: false, retryAfterMs: 4_000, changes: [] })
      expect(await admit('p:other', t + 1_003)).toEqual({ ok: true, trial: false, changes: [] })
    })

    it('counts only the outcomes of the last windowMs', async () => {
      const t = midnight()
      expect(await record('p:m', false, t)).toEqual([])
      // The first failure has left the window: one call is too few.
      expect(await record('p:m', false, t + 10_000)).toEqual([])
      expect(await record('p:m', false, t + 10_001)).toEqual([{ from: 'closed', to: 'open', failureRate: 1 }])
    })

    it('half-opens after openMs, admitting exactly one trial of many calls at once', async () => {
      const t = midnight()
      await open('p:m', t)
      expect(await admit('p:m', t + 4_999)).toEqual({ ok: false, retryAfterMs: 1, changes: [] })
      const admissions = await Promise.all(Array.from({ length: 20 }, () => admit('p:m', t + 5_000)))
      const trials = admissions.filter((a) => a.ok)
      expect(trials).toEqual([
        { ok: true, trial: true, changes: [expect.objectContaining({ from: 'open', to: 'half-open' })] },
      ])
      expect(admissions.filter((a) => !a.ok)).toHaveLength(19)
      for (const refused of admissions.filter((a) => !a.ok))
        expect(refused).toMatchObject({ ok: false, changes: [] })
    })

    it('closes on a successful trial, with a window that starts again', async () => {
      const t = midnight()
      await open('p:m', t)
      expect(await admit('p:m', t + 5_000)).toMatchObject({ ok: true, trial: true })
      expect(await record('p:m', true, t + 6_000, true)).toEqual([
        { from: 'half-open', to: 'closed', failureRate: 0 },
      ])
      expect(await admit('p:m', t + 6_001)).toEqual({ ok: true, trial: false, changes: [] })
      // Without the failures that opened it: 1 failure in 3 calls keeps it closed.
      expect(await record('p:m', true, t + 6_001)).toEqual([])
      expect(await record('p:m', false, t + 6_002)).toEqual([])
    })

    it('opens again on a failed trial, for another openMs', async () => {
      const t = midnight()
      await open('p:m', t)
      await admit('p:m', t + 5_000)
      expect(await record('p:m', false, t + 7_000, true)).toEqual([
        { from: 'half-open', to: 'open', failureRate: 1 },
      ])
      expect(await admit('p:m', t + 8_000)).toEqual({ ok: false, retryAfterMs: 4_000, changes: [] })
      expect(await admit('p:m', t + 12_000)).toMatchObject({ ok: true, trial: true })
    })

    it('frees the trial of a trial released without an outcome', async () => {
      const t = midnight()
      await open('p:m', t)
      expect(await admit('p:m', t + 5_000)).toMatchObject({ ok: true, trial: true })
      expect(await admit('p:m', t + 5_100)).toEqual({ ok: false, retryAfterMs: 0, changes: [] })
      await circuits().release('p:m', settings, t + 5_200)
      expect(await admit('p:m', t + 5_300)).toEqual({ ok: true, trial: true, changes: [] })
    })

    it('opens again from a failure recorded while open that keeps the rate past the threshold', async () => {
      const t = midnight()
      await open('p:m', t)
      expect(await record('p:m', false, t + 4_000)).toEqual([])
      expect(await admit('p:m', t + 5_000)).toEqual({ ok: false, retryAfterMs: 4_000, changes: [] })
    })
  })
}
