import { describe, expect, it } from 'vitest'
import {
  histogramPercentiles,
  LATENCY_BUCKET_BOUNDS,
  latencyBucket,
  latencyHistogram,
  usageDailyRange,
} from './usage-aggregate.js'

describe('latency buckets', () => {
  it('rise about 5% each, from 1 ms to an hour', () => {
    expect(LATENCY_BUCKET_BOUNDS[0]).toBe(1)
    expect(LATENCY_BUCKET_BOUNDS.at(-1)).toBeGreaterThanOrEqual(3_600_000)
    for (let i = 1; i < LATENCY_BUCKET_BOUNDS.length; i++) {
      const ratio = LATENCY_BUCKET_BOUNDS[i]! / LATENCY_BUCKET_BOUNDS[i - 1]!
      expect(ratio).toBeGreaterThan(1)
      expect(ratio).toBeLessThan(1.06)
    }
  })

  it('count the bounds at or below a latency, as width_bucket does', () => {
    expect(latencyBucket(0)).toBe(0)
    expect(latencyBucket(0.999)).toBe(0)
    expect(latencyBucket(1)).toBe(1)
    const bound = LATENCY_BUCKET_BOUNDS[100]!
    expect(latencyBucket(bound)).toBe(101)
    expect(latencyBucket(bound - 1e-9)).toBe(100)
    expect(latencyBucket(1e12)).toBe(LATENCY_BUCKET_BOUNDS.length)
  })

  it('give percentiles of nearest rank rounded up to their bucket bound', () => {
    const latencies = [70, 10, 100, 40, 20, 90, 60, 30, 80, 50]
    const { p50, p95, p99 } = histogramPercentiles(latencyHistogram(latencies))
    expect([p50, p95, p99]).toEqual([51.6, 102, 102])
    // Never below the exact value of nearest rank, at most one bucket (about 5%) above it.
    for (const [value, p] of [
      [50, p50],
      [100, p95],
    ] as const) {
      expect(p).toBeGreaterThan(value)
      expect(p / value).toBeLessThan(1.06)
    }
    expect(histogramPercentiles(new Map())).toEqual({ p50: 0, p95: 0, p99: 0 })
  })
})

describe('usageDailyRange', () => {
  const from = new Date('2026-11-20T06:00:00.000Z')
  const to = new Date('2026-11-23T18:00:00.000Z')

  it('is the whole UTC days of the range when the query needs no exact percentiles nor hours', () => {
    expect(usageDailyRange({ from, to, percentiles: false })).toEqual({
      from: new Date('2026-11-21T00:00:00.000Z'),
      to: new Date('2026-11-23T00:00:00.000Z'),
    })
    expect(usageDailyRange({ from, to, percentiles: 'approximate', groupBy: ['day', 'model'] })).toBeDefined()
  })

  it('is undefined for exact percentiles, hours, an operation, or a range without a whole day', () => {
    expect(usageDailyRange({ from, to })).toBeUndefined()
    expect(usageDailyRange({ from, to, percentiles: false, operation: 'embed' })).toBeUndefined()
    expect(usageDailyRange({ from, to, percentiles: false, groupBy: ['hour', 'model'] })).toBeUndefined()
    expect(
      usageDailyRange({ from, to: new Date('2026-11-21T12:00:00.000Z'), percentiles: false }),
    ).toBeUndefined()
  })
})
