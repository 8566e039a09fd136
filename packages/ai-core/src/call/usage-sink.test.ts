import { describe, expect, it, vi } from 'vitest'
import { createBackgroundWork } from '../events/background-work.js'
import type { UsageRecord, UsageStore } from '../store/usage-store.js'
import { createUsageSink } from './usage-sink.js'

function recordingStore() {
  const batches: string[][] = []
  const store: UsageStore = {
    async recordUsage(batch) {
      batches.push(batch.map((r) => r.requestId))
    },
    getUsage: async () => undefined,
    queryUsage: async () => [],
    compactUsageBefore: async () => 0,
  }
  return { store, batches }
}

const record = (requestId: string) => ({ requestId }) as UsageRecord
const work = () => createBackgroundWork((_, error) => expect.fail(String(error)))

describe('usage sink', () => {
  it('writes the records of sequential calls within its delay as one batch', async () => {
    const { store, batches } = recordingStore()
    const background = work()
    // A fake clock: on a loaded machine three real 5 ms sleeps can outlast the 50 ms delay.
    vi.useFakeTimers()
    try {
      const sink = createUsageSink(store, background, { maxDelayMs: 50 })
      for (const id of ['r1', 'r2', 'r3']) {
        sink.add(record(id))
        await vi.advanceTimersByTimeAsync(5)
      }
      expect(batches).toEqual([])
      await vi.advanceTimersByTimeAsync(50)
      await background.flush()
      expect(batches).toEqual([['r1', 'r2', 'r3']])
    } finally {
      vi.useRealTimers()
    }
  })

  it('writes at once on flush, and when a batch is full', async () => {
    const { store, batches } = recordingStore()
    const background = work()
    const sink = createUsageSink(store, background, { maxDelayMs: 60_000, maxBatch: 3 })
    sink.add(record('r1'))
    sink.flush()
    await background.flush()
    // A full batch does not wait for its delay; it takes every record added before it starts.
    for (const id of ['r2', 'r3', 'r4', 'r5']) sink.add(record(id))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(batches).toEqual([['r1'], ['r2', 'r3', 'r4', 'r5']])
    sink.add(record('r6'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(batches).toHaveLength(2)
    sink.flush()
    await background.flush()
    expect(batches).toEqual([['r1'], ['r2', 'r3', 'r4', 'r5'], ['r6']])
  })
})
