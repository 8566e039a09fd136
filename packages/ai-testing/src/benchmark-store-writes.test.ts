import { createMemoryStore } from '@aimux/ai-core'
import { describe, expect, it, vi } from 'vitest'
import { benchmarkStoreWrites, runStoreWritesBenchmark } from './benchmark-store-writes.js'

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

describe('runStoreWritesBenchmark', () => {
  it('takes records and batch size from the command line, then closes the store and cleans up', async () => {
    const store = createMemoryStore()
    const steps: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => steps.push(line))
    try {
      await runStoreWritesBenchmark(
        async () => ({ ...store, close: async () => void steps.push('closed') }),
        { args: ['30', '10'], cleanup: () => void steps.push('cleaned up') },
      )
    } finally {
      log.mockRestore()
    }
    expect(steps[0]).toMatch(/^usage records, batches of 10: 30 records in /)
    expect(steps.slice(-2)).toEqual(['closed', 'cleaned up'])
    const [total] = await store.usage.queryUsage({ from: new Date(0), to: new Date(Date.UTC(2100, 0)) })
    expect(total?.requests).toBe(60)
  })

  it('closes the store and cleans up when the benchmark fails', async () => {
    const steps: string[] = []
    const broken = {
      ...createMemoryStore(),
      usage: { ...createMemoryStore().usage, recordUsage: () => Promise.reject(new Error('disk full')) },
      close: async () => void steps.push('closed'),
    }
    await expect(
      runStoreWritesBenchmark(async () => broken, { args: [], cleanup: () => void steps.push('cleaned up') }),
    ).rejects.toThrow('disk full')
    expect(steps).toEqual(['closed', 'cleaned up'])
  })
})
