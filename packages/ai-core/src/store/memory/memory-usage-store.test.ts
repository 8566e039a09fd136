import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../../cost/usage.js'
import type { UsageRecord } from '../usage-store.js'
import { createMemoryUsageStore } from './memory-usage-store.js'

const record = (i: number): UsageRecord => ({
  ...emptyUsage(),
  requestId: `r${i}`,
  createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)),
  provider: 'mock',
  model: 'm',
  costNanoUsd: 10,
  costSource: 'catalog',
  latencyMs: 1,
  success: true,
  stream: false,
  steps: 1,
  operation: 'chat',
})

describe('memory usage store', () => {
  it('keeps the latest maxRecords records and drops the oldest', async () => {
    const store = createMemoryUsageStore({ maxRecords: 3 })
    await store.recordUsage([record(1), record(2)])
    await store.recordUsage([record(3), record(4), record(5)])
    expect(await store.getUsage('r2')).toBeUndefined()
    expect((await store.getUsage('r3'))?.requestId).toBe('r3')
    const [total] = await store.queryUsage({ from: new Date(0), to: new Date(Date.UTC(2100, 0)) })
    expect(total).toMatchObject({ requests: 3, costNanoUsd: 30 })
    for (let i = 6; i <= 20; i++) await store.recordUsage([record(i), record(i)])
    const kept = await Promise.all(
      [17, 18, 19, 20].map(async (i) => (await store.getUsage(`r${i}`))?.requestId),
    )
    expect(kept).toEqual([undefined, 'r18', 'r19', 'r20'])
  })

  it('returns copies that share nothing with what it keeps', async () => {
    const store = createMemoryUsageStore()
    const written = record(1)
    await store.recordUsage([written])
    written.createdAt.setUTCFullYear(2000)
    const read = (await store.getUsage('r1'))!
    expect(read.createdAt.getUTCFullYear()).toBe(2026)
    read.createdAt.setUTCFullYear(2001)
    expect((await store.getUsage('r1'))!.createdAt.getUTCFullYear()).toBe(2026)
  })
})
