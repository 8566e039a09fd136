import { aggregateUsage } from '../kit/usage-aggregate.js'
import type { UsageRecord, UsageStore } from '../usage-store.js'
import { createUsageCompaction } from './memory-usage-compaction.js'

/** A usage record is flat but for its date and counts: this copy shares nothing with the original. */
const copy = (record: UsageRecord): UsageRecord => {
  const copied = { ...record, createdAt: new Date(record.createdAt) }
  if (record.counts) copied.counts = { ...record.counts }
  return copied
}

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
  const compacted = createUsageCompaction()

  return {
    async recordUsage(batch) {
      for (const record of batch) {
        if (records.has(record.requestId)) continue
        records.set(record.requestId, copy(record))
        order.push(record.requestId)
        // A while, not an if: ids of compacted records stay in the queue.
        while (records.size > maxRecords && oldest < order.length) records.delete(order[oldest++]!)
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
      return compacted.query(records.values(), query) ?? aggregateUsage(records.values(), query)
    },

    async compactUsageBefore(before) {
      const cutoff = Math.floor(before.getTime() / 86_400_000) * 86_400_000
      let deleted = 0
      for (const [id, record] of records) {
        if (record.createdAt.getTime() >= cutoff) continue
        compacted.add(record)
        records.delete(id)
        deleted++
      }
      return deleted
    },
  }
}
