import { expect, it } from 'vitest'
import { parseRetryAfter, retryDelay } from './retry-delay.js'

const backoff = { baseMs: 1_000, maxMs: 60_000 }

it('doubles the delay each attempt, jittered between half and all of it, capped', () => {
  expect([1, 2, 3, 4].map((n) => retryDelay(n, backoff, undefined, () => 1))).toEqual([
    1_000, 2_000, 4_000, 8_000,
  ])
  expect([1, 2, 3].map((n) => retryDelay(n, backoff, undefined, () => 0))).toEqual([500, 1_000, 2_000])
  expect(retryDelay(20, backoff, undefined, () => 1)).toBe(60_000)
})

it('waits as long as a Retry-After asks, up to the largest delay', () => {
  expect(retryDelay(1, backoff, 30_000, () => 1)).toBe(30_000)
  expect(retryDelay(1, backoff, 10, () => 1)).toBe(1_000)
  expect(retryDelay(1, backoff, 3_600_000, () => 1)).toBe(60_000)
})

it('reads Retry-After as seconds or as an HTTP date', () => {
  const now = new Date('2026-12-03T12:00:00.000Z')
  expect(parseRetryAfter('7', now)).toBe(7_000)
  expect(parseRetryAfter('Thu, 03 Dec 2026 12:00:30 GMT', now)).toBe(30_000)
  expect(parseRetryAfter('later', now)).toBeUndefined()
  expect(parseRetryAfter(null, now)).toBeUndefined()
})
