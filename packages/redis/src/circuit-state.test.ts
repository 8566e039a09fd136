import type { CircuitSettings } from '@aimux/ai-core/store-kit'
import { describe, expect, it } from 'vitest'
import { useTestStates } from '../test/open-state.js'
import { testClient } from '../test/test-redis.js'

const openState = useTestStates()
const T = 1_700_000_000_000
const settings: CircuitSettings = { failureRate: 0.5, minRequests: 4, windowMs: 10_000, openMs: 5_000 }
const key = 'openai:gpt-4o-mini'

/** A state whose circuit for `key` was just opened at T by four failures out of four. */
async function openedCircuit() {
  const state = await openState()
  const circuits = state.circuits!
  for (let i = 0; i < 3; i++)
    expect(await circuits.record(key, { ok: false, trial: false }, settings, T)).toEqual([])
  expect(await circuits.record(key, { ok: false, trial: false }, settings, T)).toEqual([
    { from: 'closed', to: 'open', failureRate: 1 },
  ])
  return { ...state, circuits }
}

describe('a closed circuit', () => {
  it('admits every call as no trial, and opens once the failure rate over the window reaches the threshold', async () => {
    const { circuits } = await openState()
    expect(await circuits!.admit(key, settings, T)).toEqual({ ok: true, trial: false, changes: [] })
    expect(await circuits!.admit(key, settings, T)).toEqual({ ok: true, trial: false, changes: [] })
    // Three calls are fewer than minRequests, whatever they did.
    expect(await circuits!.record(key, { ok: true, trial: false }, settings, T)).toEqual([])
    expect(await circuits!.record(key, { ok: false, trial: false }, settings, T + 1)).toEqual([])
    expect(await circuits!.record(key, { ok: true, trial: false }, settings, T + 2)).toEqual([])
    expect(await circuits!.record(key, { ok: true, trial: false }, settings, T + 3)).toEqual([])
    // 2 failures out of 5 stay below a half; the third makes 3 out of 6.
    expect(await circuits!.record(key, { ok: false, trial: false }, settings, T + 4)).toEqual([])
    expect(await circuits!.record(key, { ok: false, trial: false }, settings, T + 5)).toEqual([
      { from: 'closed', to: 'open', failureRate: 0.5 },
    ])
    expect(await circuits!.admit(key, settings, T + 1_005)).toEqual({
      ok: false,
      retryAfterMs: 4_000,
      changes: [],
    })
  })

  it('forgets outcomes older than windowMs', async () => {
    const { circuits } = await openState()
    for (let i = 0; i < 3; i++) await circuits!.record(key, { ok: false, trial: false }, settings, T)
    // At T + windowMs the failures of T have left: 1 call, below minRequests.
    expect(await circuits!.record(key, { ok: false, trial: false }, settings, T + 10_000)).toEqual([])
    for (let i = 0; i < 2; i++) await circuits!.record(key, { ok: true, trial: false }, settings, T + 10_001)
    expect(await circuits!.record(key, { ok: false, trial: false }, settings, T + 10_002)).toEqual([
      { from: 'closed', to: 'open', failureRate: 0.5 },
    ])
  })

  it('keeps one circuit per key', async () => {
    const { circuits } = await openedCircuit()
    expect(await circuits.admit('openai:gpt-4o', settings, T + 1)).toEqual({
      ok: true,
      trial: false,
      changes: [],
    })
    expect(await circuits.admit(key, settings, T + 1)).toMatchObject({ ok: false })
  })
})

describe('an open circuit', () => {
  it('refuses until openMs has passed, then half-opens and admits exactly one trial', async () => {
    const { circuits } = await openedCircuit()
    expect(await circuits.admit(key, settings, T + 4_999)).toEqual({
      ok: false,
      retryAfterMs: 1,
      changes: [],
    })
    expect(await circuits.admit(key, settings, T + 5_000)).toEqual({
      ok: true,
      trial: true,
      changes: [{ from: 'open', to: 'half-open', failureRate: 1 }],
    })
    expect(await circuits.admit(key, settings, T + 5_001)).toEqual({
      ok: false,
      retryAfterMs: 0,
      changes: [],
    })
    expect(await circuits.admit(key, settings, T + 60_000)).toEqual({
      ok: false,
      retryAfterMs: 0,
      changes: [],
    })
  })

  it('closes on the trial succeeding, with a window that holds only its outcome', async () => {
    const { circuits } = await openedCircuit()
    await circuits.admit(key, settings, T + 5_000)
    expect(await circuits.record(key, { ok: true, trial: true }, settings, T + 6_000)).toEqual([
      { from: 'half-open', to: 'closed', failureRate: 0 },
    ])
    expect(await circuits.admit(key, settings, T + 6_001)).toEqual({ ok: true, trial: false, changes: [] })
    // The four failures before are gone: three more make 3 out of 4.
    for (let i = 0; i < 2; i++) await circuits.record(key, { ok: false, trial: false }, settings, T + 6_002)
    expect(await circuits.record(key, { ok: false, trial: false }, settings, T + 6_003)).toEqual([
      { from: 'closed', to: 'open', failureRate: 0.75 },
    ])
  })

  it('opens again for openMs on the trial failing', async () => {
    const { circuits } = await openedCircuit()
    await circuits.admit(key, settings, T + 5_000)
    expect(await circuits.record(key, { ok: false, trial: true }, settings, T + 7_000)).toEqual([
      { from: 'half-open', to: 'open', failureRate: 1 },
    ])
    expect(await circuits.admit(key, settings, T + 8_000)).toEqual({
      ok: false,
      retryAfterMs: 4_000,
      changes: [],
    })
    expect(await circuits.admit(key, settings, T + 12_000)).toMatchObject({ ok: true, trial: true })
  })

  it('reopens from then when an outcome recorded while open keeps the rate past the threshold', async () => {
    const { circuits } = await openedCircuit()
    expect(await circuits.record(key, { ok: false, trial: false }, settings, T + 3_000)).toEqual([])
    expect(await circuits.admit(key, settings, T + 5_000)).toEqual({
      ok: false,
      retryAfterMs: 3_000,
      changes: [],
    })
  })

  it('lets the next call be the trial once the trial is released', async () => {
    const { circuits } = await openedCircuit()
    await circuits.admit(key, settings, T + 5_000)
    await circuits.release(key, settings, T + 5_100)
    expect(await circuits.admit(key, settings, T + 5_200)).toEqual({ ok: true, trial: true, changes: [] })
    expect(await circuits.admit(key, settings, T + 5_300)).toMatchObject({ ok: false, retryAfterMs: 0 })
  })

  it('gives up a trial out for five minutes, so that a process that died cannot hold it', async () => {
    const { circuits } = await openedCircuit()
    await circuits.admit(key, settings, T + 5_000)
    expect(await circuits.admit(key, settings, T + 304_999)).toMatchObject({ ok: false })
    expect(await circuits.admit(key, settings, T + 305_000)).toEqual({ ok: true, trial: true, changes: [] })
  })
})

describe('keys in Redis', () => {
  it('expire a minute after the longer of windowMs and openMs, and are not written by a closed admit', async () => {
    const { circuits, prefix } = await openedCircuit()
    const client = await testClient()
    try {
      expect(await circuits.admit('openai:untouched', settings, T)).toMatchObject({ ok: true })
      expect(await client.exists(`${prefix}circuit:state:openai:untouched`)).toBe(0)
      for (const name of ['state', 'failed']) {
        const ttl = await client.pTTL(`${prefix}circuit:${name}:${key}`)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(70_000)
      }
    } finally {
      client.destroy()
    }
  })
})
