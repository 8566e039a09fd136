import type { UsageRecord, UsageStore } from './store.js'
import { aggregateUsage } from './usage-aggregate.js'

/** A usage record is flat but for its date: this copy shares nothing with the original. */
const copy = (record: UsageRecord): UsageRecord => ({ ...record, createdAt: new Date(record.createdAt) })

/**
 * Usage records and their analytics, in memory. It keeps the latest `maxRecords` (the oldest
 * written are dropped first), so a long-running process without a store does not grow without end.
 */
export function createMemoryUsageStore({ maxRecords = 10_000 }: { maxRecords?: number } = {}): UsageStore {
  const records = new Map<string, UsageRecord>()

  return {
    async recordUsage(batch) {
      for (const record of batch) {
        if (records.has(record.requestId)) continue
        records.set(record.requestId, copy(record))
        if (records.size > maxRecords) records.delete(records.keys().next().value!)
      }
    },

    async getUsage(requestId) {
      const record = records.get(requestId)
      return record && copy(record)
    },

    async queryUsage(query) {
      return aggregateUsage(records.values(), query)
    },
  }
}
