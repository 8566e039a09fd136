import { createMemoryStore } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { benchmarkStoreWrites } from './benchmark-store-writes.js'

describe('benchmarkStoreWrites', () => {
  it('writes what it says, and prints one line per measure', async () => {
    const store = createMemoryStore()
    const lines: string[] = []
    await benchmarkStoreWrites(store, {
      records: 250,
      batchSize: 100,
      reservations: 20,
      log: (l) => lines.push(l),
    })
    expect(lines.map((l) => l.slice(0, l.indexOf(' in ')))).toEqual([
      'usage records, batches of 100: 250 records',
      'usage records, one per transaction: 250 records',
      'reserve + settle: 20 pairs',
      'queryUsage by day over every record: 1 queries',
    ])
    const [total] = await store.usage.queryUsage({ from: new Date(0), to: new Date(Date.UTC(2100, 0)) })
    expect(total?.requests).toBe(500)
    const key = { scope: 'user', scopeId: 'u1', period: 'month', periodStart: '2026-11-01' } as const
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 20 * 900, reservedNanoUsd: 0 })
  })
})
