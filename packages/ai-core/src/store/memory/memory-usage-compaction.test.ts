import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../../cost/usage.js'
import type { UsageRecord } from '../usage-store.js'
import { createMemoryUsageStore } from './memory-usage-store.js'

const DAY = 86_400_000
const record = (i: number, day: number, fields: Partial<UsageRecord> = {}): UsageRecord => ({
  ...emptyUsage(),
  inputTokens: i,
  totalTokens: i,
  requestId: `r${i}`,
  createdAt: new Date(Date.UTC(2026, 10, 1) + day * DAY + i * 1000),
  provider: 'mock',
  model: i % 2 === 0 ? 'even' : 'odd',
  costNanoUsd: 10 * i,
  costSource: 'catalog',
  latencyMs: 100 * i,
  success: i !== 3,
  stream: false,
  steps: 1,
  operation: 'chat',
  ...fields,
})

describe('memory usage compaction', () => {
  const range = { from: new Date(Date.UTC(2026, 10, 1)), to: new Date(Date.UTC(2026, 10, 5)) }

  it('deletes the records of the days before the cutoff and answers day and model queries as before', async () => {
    const store = createMemoryUsageStore()
    await store.recordUsage([1, 2, 3, 4].map((i) => record(i, 0, { tenantId: 't' })))
    await store.recordUsage([5, 6].map((i) => record(i, 2)))
    const query = { ...range, groupBy: ['day', 'model'] as const, percentiles: false as const }
    const byTenant = { ...range, groupBy: 'tenant' as const, percentiles: false as const }
    const before = await store.queryUsage({ ...query, groupBy: ['day', 'model'] })
    const tenantsBefore = await store.queryUsage(byTenant)
    // Mid-day of day 1: day 0 goes, day 2 stays.
    expect(await store.compactUsageBefore(new Date(range.from.getTime() + 1.5 * DAY))).toBe(4)
    expect(await store.getUsage('r1')).toBeUndefined()
    expect(await store.getUsage('r5')).toBeDefined()
    expect(await store.queryUsage({ ...query, groupBy: ['day', 'model'] })).toEqual(before)
    expect(await store.queryUsage(byTenant)).toEqual(tenantsBefore)
    expect(before.map((r) => [r.key, r.requests, r.errors, r.costNanoUsd])).toEqual([
      ['2026-11-01 / even', 2, 0, 60],
      ['2026-11-01 / odd', 2, 1, 40],
      ['2026-11-03 / even', 1, 0, 60],
      ['2026-11-03 / odd', 1, 0, 50],
    ])
    // Exact percentiles read records: the compacted day is gone from them.
    const [exact] = await store.queryUsage(range)
    expect(exact).toMatchObject({ requests: 2, costNanoUsd: 110 })
  })

  it('keeps approximate percentiles of compacted days for day and model queries', async () => {
    const store = createMemoryUsageStore()
    await store.recordUsage([1, 2, 3, 4].map((i) => record(i, 0)))
    const query = { ...range, groupBy: 'provider' as const, percentiles: 'approximate' as const }
    const before = await store.queryUsage(query)
    await store.compactUsageBefore(new Date(range.from.getTime() + DAY))
    expect(await store.queryUsage(query)).toEqual(before)
    expect(before[0]?.latencyP50Ms).toBeGreaterThan(0)
  })
})
