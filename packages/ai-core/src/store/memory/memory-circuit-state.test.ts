import { describe, expect, it } from 'vitest'
import type { CircuitSettings } from '../shared-state.js'
import { createMemoryCircuitState } from './memory-circuit-state.js'

const settings: CircuitSettings = { failureRate: 0.5, minRequests: 2, windowMs: 10_000, openMs: 5_000 }
const T0 = 1_000_000

/** A circuit opened at T0 by two failures. */
function opened() {
  const state = createMemoryCircuitState()
  for (const at of [T0 - 1, T0]) {
    state.admit('p:m', settings, at)
    state.record('p:m', { ok: false, trial: false }, settings, at)
  }
  return state
}

describe('memory circuit state', () => {
  it('opens once the failure rate over the window passes, with enough calls', () => {
    const state = createMemoryCircuitState()
    expect(state.admit('p:m', settings, T0)).toEqual({ ok: true, trial: false, changes: [] })
    expect(state.record('p:m', { ok: false, trial: false }, settings, T0)).toEqual([])
    // The first failure has left the window: one call is too few.
    expect(state.record('p:m', { ok: false, trial: false }, settings, T0 + 10_000)).toEqual([])
    expect(state.record('p:m', { ok: true, trial: false }, settings, T0 + 10_001)).toEqual([
      { from: 'closed', to: 'open', failureRate: 0.5 },
    ])
    expect(state.admit('p:m', settings, T0 + 12_000)).toEqual({ ok: false, retryAfterMs: 3_001, changes: [] })
    expect(state.admit('p:other', settings, T0 + 12_000)).toMatchObject({ ok: true })
  })

  it('half-opens for one trial, which closes the circuit on success', () => {
    const state = opened()
    expect(state.admit('p:m', settings, T0 + 5_000)).toEqual({
      ok: true,
      trial: true,
      changes: [{ from: 'open', to: 'half-open', failureRate: 1 }],
    })
    expect(state.admit('p:m', settings, T0 + 5_001)).toEqual({ ok: false, retryAfterMs: 0, changes: [] })
    expect(state.record('p:m', { ok: true, trial: true }, settings, T0 + 6_000)).toEqual([
      { from: 'half-open', to: 'closed', failureRate: 0 },
    ])
    // A fresh window, without the failures that opened it: 1 failure in 3 calls keeps it closed.
    expect(state.record('p:m', { ok: true, trial: false }, settings, T0 + 6_001)).toEqual([])
    expect(state.record('p:m', { ok: false, trial: false }, settings, T0 + 6_002)).toEqual([])
  })

  it('opens again when the trial fails, for another openMs', () => {
    const state = opened()
    state.admit('p:m', settings, T0 + 5_000)
    expect(state.record('p:m', { ok: false, trial: true }, settings, T0 + 7_000)).toEqual([
      { from: 'half-open', to: 'open', failureRate: 1 },
    ])
    expect(state.admit('p:m', settings, T0 + 8_000)).toEqual({ ok: false, retryAfterMs: 4_000, changes: [] })
  })

  it('lets a trial through each time the circuit half-opens again, after a trial failed or succeeded', () => {
    const state = opened()
    state.admit('p:m', settings, T0 + 5_000)
    state.record('p:m', { ok: false, trial: true }, settings, T0 + 5_000) // open until T0 + 10,000
    expect(state.admit('p:m', settings, T0 + 10_000)).toEqual({
      ok: true,
      trial: true,
      changes: [{ from: 'open', to: 'half-open', failureRate: 1 }],
    })
    state.record('p:m', { ok: true, trial: true }, settings, T0 + 10_000) // closed
    state.record('p:m', { ok: false, trial: false }, settings, T0 + 10_001) // 1 failure in 2 calls: open again
    expect(state.admit('p:m', settings, T0 + 15_001)).toMatchObject({ ok: true, trial: true })
  })

  it('frees the trial slot of a trial released without an outcome', () => {
    const state = opened()
    expect(state.admit('p:m', settings, T0 + 5_000)).toMatchObject({ trial: true })
    state.release('p:m', settings, T0 + 5_100)
    expect(state.admit('p:m', settings, T0 + 5_200)).toEqual({ ok: true, trial: true, changes: [] })
  })

  it('keeps an open circuit open while calls admitted before keep failing', () => {
    const state = opened()
    // A call admitted while closed fails after it opened: the rate still passes, so it opens again from now.
    expect(state.record('p:m', { ok: false, trial: false }, settings, T0 + 4_000)).toEqual([])
    expect(state.admit('p:m', settings, T0 + 5_000)).toEqual({ ok: false, retryAfterMs: 4_000, changes: [] })
  })

  it('keeps at most maxCircuits, forgetting the one called least recently', () => {
    const state = createMemoryCircuitState({ maxCircuits: 1 })
    state.record('p:a', { ok: false, trial: false }, settings, T0)
    state.record('p:a', { ok: false, trial: false }, settings, T0)
    expect(state.admit('p:a', settings, T0).ok).toBe(false)
    state.admit('p:b', settings, T0)
    expect(state.admit('p:a', settings, T0)).toEqual({ ok: true, trial: false, changes: [] })
  })
})
