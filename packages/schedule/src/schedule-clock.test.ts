import { afterEach, expect, it, vi } from 'vitest'
import { systemClock } from './schedule-clock.js'

afterEach(() => {
  vi.useRealTimers()
})

it('caps a timer longer than setTimeout takes, instead of letting Node fire it at once', () => {
  vi.useFakeTimers()
  const fired: number[] = []
  systemClock.setTimeout(() => fired.push(Date.now()), 40 * 86_400_000)
  vi.advanceTimersByTime(1_000)
  expect(fired).toEqual([])
  vi.advanceTimersByTime(2_147_483_647)
  expect(fired).toHaveLength(1)
})

it('clears a timer', () => {
  vi.useFakeTimers()
  let fired = false
  systemClock.clearTimeout(systemClock.setTimeout(() => (fired = true), 10))
  vi.advanceTimersByTime(100)
  expect(fired).toBe(false)
})
