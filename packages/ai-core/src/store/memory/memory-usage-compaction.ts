import {
  aggregateGroup,
  histogramPercentiles,
  latencyBucket,
  latencyHistogram,
  matchesUsageQuery,
  mergeUsageAggregates,
  orderUsageAggregates,
  usageByModelDay,
  usageDailyRange,
  usageDimensions,
  usageGroupKey,
} from '../kit/usage-aggregate.js'
import type { UsageAggregate, UsageQuery, UsageRecord } from '../usage-store.js'

const DAY_MS = 86_400_000

/** The sums of one day, provider, model, tenant, user and project, as the SQL stores' usage_daily keeps them. */
interface DaySums {
  /** The day's first millisecond and the record's other keys, to match and group it like a record. */
  keys: UsageRecord
  sums: UsageAggregate
}

/**
 * What the memory usage store keeps of the records it compacted: their per-day sums, and their
 * latency bucket counts per day, provider and model, as the SQL stores keep them. A query then
 * answers as theirs do: whole days from these sums when it may (usageDailyRange), else only the
 * records left.
 */
export function createUsageCompaction() {
  const days = new Map<string, DaySums>()
  const latencies = new Map<string, { keys: UsageRecord; counts: Map<number, number> }>()

  return {
    /** Adds a record that is being deleted to its day's sums. */
    add(record: UsageRecord) {
      const day = Math.floor(record.createdAt.getTime() / DAY_MS) * DAY_MS
      const keys = { ...record, createdAt: new Date(day) }
      const id = JSON.stringify([
        day,
        record.provider,
        record.model,
        record.tenantId,
        record.userId,
        record.projectId,
      ])
      const sums = aggregateGroup([], [record], false)
      const held = days.get(id)
      days.set(id, {
        keys: held?.keys ?? keys,
        sums: held ? mergeUsageAggregates([held.sums, sums])[0]! : sums,
      })
      const modelDay = JSON.stringify([day, record.provider, record.model])
      const counted = latencies.get(modelDay) ?? { keys, counts: new Map<number, number>() }
      const bucket = latencyBucket(record.latencyMs)
      counted.counts.set(bucket, (counted.counts.get(bucket) ?? 0) + 1)
      latencies.set(modelDay, counted)
    },

    /** The query's answer over `records` and these sums; undefined when the sums play no part. */
    query(records: Iterable<UsageRecord>, query: UsageQuery): UsageAggregate[] | undefined {
      const range = days.size > 0 ? usageDailyRange(query) : undefined
      if (!range) return undefined
      const wholeDays = { ...query, from: range.from, to: range.to }
      const dimensions = usageDimensions(query.groupBy)
      const keysOf = (record: UsageRecord) =>
        dimensions.length === 0 ? ['total'] : dimensions.map((d) => usageGroupKey(record, d))
      const groups = new Map<
        string,
        { keys: string[]; records: UsageRecord[]; sums: UsageAggregate[]; counts: Map<number, number> }
      >()
      const group = (keys: string[]) => {
        const id = JSON.stringify(keys)
        const found = groups.get(id)
        if (found) return found
        const made = { keys, records: [], sums: [], counts: new Map<number, number>() }
        groups.set(id, made)
        return made
      }
      for (const record of records)
        if (matchesUsageQuery(record, query)) group(keysOf(record)).records.push(record)
      for (const { keys, sums } of days.values())
        if (matchesUsageQuery(keys, wholeDays)) group(keysOf(keys)).sums.push(sums)
      const approximate = query.percentiles === 'approximate'
      if (approximate && usageByModelDay(query))
        for (const { keys, counts } of latencies.values()) {
          if (!matchesUsageQuery(keys, wholeDays)) continue
          const into = group(keysOf(keys)).counts
          for (const [bucket, n] of counts) into.set(bucket, (into.get(bucket) ?? 0) + n)
        }
      const rows = [...groups.values()].map(({ keys, records, sums, counts }) => {
        const [row] = mergeUsageAggregates([
          aggregateGroup(keys, records, false),
          ...sums.map((s) => ({ ...s, keys })),
        ])
        if (!approximate) return row!
        for (const [bucket, n] of latencyHistogram(records.map((r) => r.latencyMs)))
          counts.set(bucket, (counts.get(bucket) ?? 0) + n)
        const { p50, p95, p99 } = histogramPercentiles(counts)
        return { ...row!, latencyP50Ms: p50, latencyP95Ms: p95, latencyP99Ms: p99 }
      })
      return orderUsageAggregates(rows, query)
    },
  }
}
