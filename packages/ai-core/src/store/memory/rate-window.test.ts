import { describe, expect, it } from 'vitest'
import { createRateWindow } from './rate-window.js'

describe('rate window', () => {
  it('counts requests and tokens over the span and says when room opens', () => {
    const window = createRateWindow(60_000, 1_000)
    window.add(10_500, 1, 0) // bucket 10: [10 000, 11 000), leaves at 71 000
    window.add(20_200, 1, 0)
    window.add(20_900, 0, 300) // tokens counted when a call ends
    expect(window.waitUntilBelow(30_000, 'requests', 3)).toBe(0)
    expect(window.waitUntilBelow(30_000, 'requests', 2)).toBe(71_000 - 30_000)
    expect(window.waitUntilBelow(30_000, 'requests', 1)).toBe(81_000 - 30_000)
    expect(window.waitUntilBelow(30_000, 'tokens', 300)).toBe(81_000 - 30_000)
    // After the first bucket leaves, its request no longer counts.
    expect(window.waitUntilBelow(71_000, 'requests', 2)).toBe(0)
    expect(window.waitUntilBelow(81_000, 'tokens', 1)).toBe(0)
  })

  it('keeps at most one bucket per bucket length, however many calls', () => {
    const window = createRateWindow(60_000, 1_000)
    for (let i = 0; i < 100_000; i++) window.add(i, 1, 10) // 100 000 calls in 100 s
    // The last 60 s remain: 60 buckets of 1 000 calls; the oldest leaves 1 s from now.
    expect(window.waitUntilBelow(100_000, 'requests', 60_001)).toBe(0)
    expect(window.waitUntilBelow(100_000, 'requests', 60_000)).toBe(41_000 + 60_000 - 100_000)
  })

  it('never asks to wait for a bucket that left the window long ago', () => {
    const window = createRateWindow(60_000, 1_000)
    window.add(500, 1, 100) // bucket 0 leaves at 61 000
    // Long after it left, the window is empty: no wait, and never a negative one.
    expect(window.waitUntilBelow(200_000, 'requests', 1)).toBe(0)
    expect(window.waitUntilBelow(200_000, 'tokens', 1)).toBe(0)
    window.add(300_000, 1, 0)
    // Only the new call counts: room comes back when its own bucket leaves.
    expect(window.waitUntilBelow(300_000, 'requests', 1)).toBe(301_000 + 60_000 - 300_000)
  })

  it('drops the buckets that left as calls are added, even with no check in between', () => {
    const window = createRateWindow(60_000, 1_000)
    // 100 000 calls over 100 s, never checked: a counter that only records tokens as calls end.
    for (let i = 0; i < 100_000; i++) window.add(i, 0, 1)
    // The memory bound is the point of the buckets: at most a span's worth of them is ever held.
    const { buckets } = window as unknown as { buckets: unknown[] }
    expect(buckets.length).toBeLessThanOrEqual(61)
    expect(window.waitUntilBelow(100_000, 'tokens', 60_001)).toBe(0)
  })
})
