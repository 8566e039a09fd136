import { describe, expect, it } from 'vitest'
import type { RateLimitCheck } from '../shared-state.js'
import { createMemoryRateLimitState } from './memory-rate-limit-state.js'

// A UTC midnight: the buckets of both windows start here.
const T0 = Date.UTC(2030, 0, 15)
const perMinute = (key: string, max: number, kind: 'requests' | 'tokens' = 'requests'): RateLimitCheck => ({
  key,
  window: 'minute',
  kind,
  max,
})
const perDay = (key: string, max: number, kind: 'requests' | 'tokens' = 'requests'): RateLimitCheck => ({
  key,
  window: 'day',
  kind,
  max,
})

describe('memory rate-limit state', () => {
  it('admits up to max, then names the check that waits longest and how long, counting nothing', () => {
    const state = createMemoryRateLimitState()
    const checks = [perMinute('user:u1', 5), perDay('user:u1', 2), perMinute('model:m', 10)]
    expect(state.acquire(checks, T0 + 500)).toEqual({ ok: true })
    expect(state.acquire(checks, T0 + 30_000)).toEqual({ ok: true })
    // The day is full: its first minute bucket leaves a day and a minute after T0.
    expect(state.acquire(checks, T0 + 40_000)).toEqual({
      ok: false,
      check: 1,
      waitMs: 86_400_000 + 60_000 - 40_000,
    })
    // The refusal counted nothing on the model: 8 more calls fit its 10 a minute.
    for (let i = 0; i < 8; i++) expect(state.acquire([perMinute('model:m', 10)], T0 + 41_000).ok).toBe(true)
    expect(state.acquire([perMinute('model:m', 10)], T0 + 41_000)).toMatchObject({ ok: false, check: 0 })
  })

  it('counts a request once per counter window, however many checks name it', () => {
    const state = createMemoryRateLimitState()
    const checks = [perMinute('key:k', 2), perMinute('key:k', 1_000, 'tokens')]
    expect(state.acquire(checks, T0).ok).toBe(true)
    expect(state.acquire(checks, T0).ok).toBe(true)
    expect(state.acquire(checks, T0)).toEqual({ ok: false, check: 0, waitMs: 61_000 })
  })

  it('counts tokens once per counter window when a call ends', () => {
    const state = createMemoryRateLimitState()
    const checks = [perMinute('key:k', 100, 'tokens'), perMinute('key:k', 10)]
    state.acquire(checks, T0 + 100)
    state.addTokens(checks, 60, T0 + 2_100) // one window: 60 tokens, not 120
    expect(state.acquire(checks, T0 + 2_200).ok).toBe(true)
    state.addTokens(checks, 40, T0 + 2_300)
    // 100 tokens, all in the bucket of the third second: it leaves 61 s after T0 + 2 s.
    expect(state.acquire(checks, T0 + 2_400)).toEqual({ ok: false, check: 0, waitMs: 60_600 })
  })

  it('keeps at most maxCounters, dropping the least recently used, which starts again', () => {
    const state = createMemoryRateLimitState({ maxCounters: 2 })
    for (const key of ['a', 'b', 'a']) state.acquire([perDay(key, 1)], T0)
    expect(state.acquire([perDay('a', 1)], T0).ok).toBe(false)
    state.acquire([perDay('c', 1)], T0) // b, used least recently, goes
    expect(state.acquire([perDay('b', 1)], T0).ok).toBe(true)
    // ...and, a third counter again, a is dropped in turn.
    expect(state.acquire([perDay('a', 1)], T0).ok).toBe(true)
  })
})
