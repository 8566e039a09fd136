import { addUsage, emptyUsage } from '../../cost/usage.js'
import type { UsageAggregate, UsageGroupBy, UsageQuery, UsageRecord } from '../usage-store.js'
import { compareStrings } from './compare-strings.js'

/**
 * The value at `fraction` (0..1) of ascending `sorted` values, interpolating linearly between the
 * closest ranks exactly as PostgreSQL's percentile_cont does. 0 for no values.
 */
export function percentileCont(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return 0
  const position = fraction * (sorted.length - 1)
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower]!
  return low + (position - lower) * (sorted[upper]! - low)
}

/** The UTC calendar date of `date`, "2026-11-22". */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** The UTC hour of `date`, "2026-11-22T13:00Z" (a string `new Date()` reads back). */
export function utcHour(date: Date): string {
  return `${date.toISOString().slice(0, 13)}:00Z`
}

/** What the keys of a group are joined with in its `key`. */
export const USAGE_KEY_SEPARATOR = ' / '

/** The query's groupBy as a list of dimensions: [] without one. */
export function usageDimensions(groupBy: UsageQuery['groupBy']): UsageGroupBy[] {
  return groupBy === undefined ? [] : typeof groupBy === 'string' ? [groupBy] : groupBy
}

/** The key of a record in one dimension ("total" without one); records without a user, tenant or project under "". */
export function usageGroupKey(record: UsageRecord, groupBy: UsageGroupBy | undefined): string {
  switch (groupBy) {
    case undefined:
      return 'total'
    case 'hour':
      return utcHour(record.createdAt)
    case 'day':
      return utcDay(record.createdAt)
    case 'provider':
      return record.provider
    case 'model':
      return record.model
    case 'user':
      return record.userId ?? ''
    case 'tenant':
      return record.tenantId ?? ''
    case 'project':
      return record.projectId ?? ''
  }
}

/** Whether a record lies in [from, to) and matches every filter the query sets. */
export function matchesUsageQuery(record: UsageRecord, query: UsageQuery): boolean {
  const at = record.createdAt.getTime()
  if (at < query.from.getTime() || at >= query.to.getTime()) return false
  return (
    (query.tenantId === undefined || record.tenantId === query.tenantId) &&
    (query.userId === undefined || record.userId === query.userId) &&
    (query.projectId === undefined || record.projectId === query.projectId) &&
    (query.provider === undefined || record.provider === query.provider) &&
    (query.model === undefined || record.model === query.model) &&
    (query.operation === undefined || record.operation === query.operation)
  )
}

/**
 * Sums, error rate and latency percentiles (over every request, failed ones included) of one
 * group; percentiles stay 0 when `percentiles` is false.
 */
export function aggregateGroup(
  keys: readonly string[],
  records: readonly UsageRecord[],
  percentiles: UsageQuery['percentiles'] = true,
): UsageAggregate {
  let usage = emptyUsage()
  let costNanoUsd = 0
  let errors = 0
  for (const record of records) {
    usage = addUsage(usage, record)
    costNanoUsd += record.costNanoUsd
    if (!record.success) errors++
  }
  const latencies = percentiles === true ? Float64Array.from(records, (r) => r.latencyMs).sort() : []
  const approximate =
    percentiles === 'approximate'
      ? histogramPercentiles(latencyHistogram(records.map((r) => r.latencyMs)))
      : undefined
  return {
    key: keys.join(USAGE_KEY_SEPARATOR),
    keys: [...keys],
    ...usage,
    requests: records.length,
    errors,
    errorRate: records.length === 0 ? 0 : errors / records.length,
    costNanoUsd,
    latencyP50Ms: approximate?.p50 ?? percentileCont(latencies, 0.5),
    latencyP95Ms: approximate?.p95 ?? percentileCont(latencies, 0.95),
    latencyP99Ms: approximate?.p99 ?? percentileCont(latencies, 0.99),
  }
}

/**
 * The bounds of the latency buckets of approximate percentiles, in milliseconds: from 1 ms to an
 * hour, each about 5% above the one before (rounded to 3 significant digits).
 */
export const LATENCY_BUCKET_BOUNDS: readonly number[] = (() => {
  const bounds = [1]
  while (bounds.at(-1)! < 3_600_000) {
    const next = Number((bounds.at(-1)! * 1.05).toPrecision(3))
    bounds.push(next > bounds.at(-1)! ? next : bounds.at(-1)! + 1)
  }
  return bounds
})()

/**
 * The bucket of a latency: how many bounds are at or below it (PostgreSQL's width_bucket over
 * LATENCY_BUCKET_BOUNDS), 0 below 1 ms.
 */
export function latencyBucket(latencyMs: number): number {
  let low = 0
  let high = LATENCY_BUCKET_BOUNDS.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (LATENCY_BUCKET_BOUNDS[mid]! <= latencyMs) low = mid + 1
    else high = mid
  }
  return low
}

/** How many latencies fall in each bucket. */
export function latencyHistogram(latencies: Iterable<number>): Map<number, number> {
  const counts = new Map<number, number>()
  for (const latency of latencies) {
    const bucket = latencyBucket(latency)
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1)
  }
  return counts
}

/**
 * Approximate p50, p95 and p99 from bucket counts: the upper bound of the bucket that holds the
 * value of nearest rank (the last bound for the open last bucket), so at most about 5% above the
 * exact value. All zeros for no counts.
 */
export function histogramPercentiles(counts: ReadonlyMap<number, number>): {
  p50: number
  p95: number
  p99: number
} {
  const buckets = [...counts.keys()].sort((a, b) => a - b)
  const total = buckets.reduce((sum, b) => sum + counts.get(b)!, 0)
  const at = (fraction: number) => {
    if (total === 0) return 0
    const rank = Math.max(1, Math.ceil(fraction * total))
    let seen = 0
    for (const bucket of buckets) {
      seen += counts.get(bucket)!
      if (seen >= rank) return LATENCY_BUCKET_BOUNDS[Math.min(bucket, LATENCY_BUCKET_BOUNDS.length - 1)]!
    }
    return 0
  }
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) }
}

/** Orders groups by their keys, the first dimension first, each by code unit. */
export function compareUsageKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareStrings(a[i]!, b[i]!)
    if (order !== 0) return order
  }
  return a.length - b.length
}

/**
 * The rows of a query's answer in its order (keys; or cost or requests, highest first, ties by
 * keys), cut to its limit; without groupBy and with nothing matching, the one all-zero "total"
 * row the port promises. Every store ends its query here, so all answer alike.
 */
export function orderUsageAggregates(rows: UsageAggregate[], query: UsageQuery): UsageAggregate[] {
  if (query.groupBy === undefined && rows.length === 0) return [aggregateGroup(['total'], [])]
  const by = query.orderBy ?? 'key'
  const measure = by === 'cost' ? 'costNanoUsd' : by === 'requests' ? 'requests' : undefined
  rows.sort((a, b) => (measure ? b[measure] - a[measure] : 0) || compareUsageKeys(a.keys, b.keys))
  return query.limit === undefined ? rows : rows.slice(0, query.limit)
}

/** Aggregates the records matching `query`, one row per group, ordered as the query says. */
export function aggregateUsage(records: Iterable<UsageRecord>, query: UsageQuery): UsageAggregate[] {
  const dimensions = usageDimensions(query.groupBy)
  const groups = new Map<string, { keys: string[]; records: UsageRecord[] }>()
  for (const record of records) {
    if (!matchesUsageQuery(record, query)) continue
    const keys = dimensions.length === 0 ? ['total'] : dimensions.map((d) => usageGroupKey(record, d))
    // JSON of the keys: no two different lists of keys share it.
    const id = JSON.stringify(keys)
    const group = groups.get(id)
    if (group) group.records.push(record)
    else groups.set(id, { keys, records: [record] })
  }
  const rows = [...groups.values()].map((g) => aggregateGroup(g.keys, g.records, query.percentiles ?? true))
  return orderUsageAggregates(rows, query)
}

const DAY_MS = 86_400_000

/**
 * The whole UTC days inside a query's range that a store may answer from per-day sums
 * (usage_daily) instead of the records, or undefined when it may not: the query asks for exact
 * percentiles (they need every latency), groups by hour or filters by operation (the per-day sums
 * do not keep it), or its range holds no whole day. The
 * records before and after these days are read as usual and the answers merged
 * (mergeUsageAggregates), so the result is the same to the nano-USD.
 */
export function usageDailyRange(query: UsageQuery): { from: Date; to: Date } | undefined {
  if (
    (query.percentiles ?? true) === true ||
    usageDimensions(query.groupBy).includes('hour') ||
    query.operation !== undefined
  )
    return undefined
  const from = Math.ceil(query.from.getTime() / DAY_MS) * DAY_MS
  const to = Math.floor(query.to.getTime() / DAY_MS) * DAY_MS
  return from < to ? { from: new Date(from), to: new Date(to) } : undefined
}

/** Adds up aggregates (without percentiles) that share their keys: parts of one query read from several places. */
export function mergeUsageAggregates(parts: readonly UsageAggregate[]): UsageAggregate[] {
  const groups = new Map<string, UsageAggregate>()
  for (const part of parts) {
    const id = JSON.stringify(part.keys)
    const group = groups.get(id)
    if (!group) {
      groups.set(id, { ...part, keys: [...part.keys] })
      continue
    }
    group.inputTokens += part.inputTokens
    group.cachedInputTokens += part.cachedInputTokens
    group.cacheWriteTokens += part.cacheWriteTokens
    group.outputTokens += part.outputTokens
    group.reasoningTokens += part.reasoningTokens
    group.totalTokens += part.totalTokens
    group.requests += part.requests
    group.errors += part.errors
    group.costNanoUsd += part.costNanoUsd
    group.errorRate = group.requests === 0 ? 0 : group.errors / group.requests
  }
  return [...groups.values()]
}

/**
 * Whether sums and latency counts kept per day, provider and model (the SQL stores'
 * usage_daily_models and usage_daily_latency) can answer a query's whole days: it groups and
 * filters by nothing finer.
 */
export function usageByModelDay(query: UsageQuery): boolean {
  return (
    usageDimensions(query.groupBy).every((d) => d === 'day' || d === 'provider' || d === 'model') &&
    query.tenantId === undefined &&
    query.userId === undefined &&
    query.projectId === undefined
  )
}
