import type { BackgroundWork } from './background-work.js'
import type { UsageRecord, UsageStore } from './store.js'

/** Collects usage records and writes them in batches as background work, off the caller's path. */
export interface UsageSink {
  add(record: UsageRecord): void
}

export function createUsageSink(store: UsageStore, work: BackgroundWork): UsageSink {
  let buffer: UsageRecord[] = []
  return {
    add(record) {
      buffer.push(record)
      if (buffer.length > 1) return
      work.run('usage records', () => {
        const batch = buffer
        buffer = []
        return store.recordUsage(batch)
      })
    },
  }
}
