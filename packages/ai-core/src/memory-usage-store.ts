import type { UsageRecord, UsageStore } from './store.js'
import { aggregateUsage } from './usage-aggregate.js'

/** Usage records and their analytics, in memory. */
export function createMemoryUsageStore(): UsageStore {
  const records = new Map<string, UsageRecord>()

  return {
    async recordUsage(batch) {
      for (const record of batch) {
        if (!records.has(record.requestId)) records.set(record.requestId, structuredClone(record))
      }
    },

    async getUsage(requestId) {
      const record = records.get(requestId)
      return record && structuredClone(record)
    },

    async queryUsage(query) {
      return aggregateUsage(records.values(), query)
    },
  }
}
