import { aggregateUsage } from '../kit/usage-aggregate.js'
import type { UsageRecord, UsageStore } from '../usage-store.js'

/** A usage record is flat but for its date: this copy shares nothing with the original. */
const copy = (record: UsageRecord): UsageRecord => ({ ...record, createdAt: new Date(record.createdAt) })

/**
 * Usage records and their analytics, in memory. It keeps the latest `maxRecords` (the oldest
 * written are dropped first), so a long-running process without a store does not grow without end.
 */
export function createMemoryUsageStore({ maxRecords = 10_000 }: { maxRecords?: number } = {}): UsageStore {
  const records = new Map<string, UsageRecord>()
  // Ids in the order written. Dropping through this queue, not through the map's own order:
  // finding a map's first key walks past every entry deleted before it.
  let order: string[] = []
  let oldest = 0

  return {
    async recordUsage(batch) {
      for (const record of batch) {
        if (records.has(record.requestId)) continue
        records.set(record.requestId, copy(record))
        order.push(record.requestId)
        if (records.size > maxRecords) records.delete(order[oldest++]!)
        if (oldest > maxRecords) {
          order = order.slice(oldest)
          oldest = 0
        }
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
