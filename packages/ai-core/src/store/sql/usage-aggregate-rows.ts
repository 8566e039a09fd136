import { histogramPercentiles, orderUsageAggregates, USAGE_KEY_SEPARATOR } from '../kit/usage-aggregate.js'
import type { UsageAggregate, UsageQuery } from '../usage-store.js'
import type { SqlCodec, SqlInt64 } from './sql-codec.js'
import type { usageSummedColumns } from './usage-query-columns.js'

/**
 * One group of a usage query as the database returns it: its keys (key2 null with one
 * dimension), the sums of usageSummedColumns, the count of requests and of failed ones, and the
 * latency percentiles (PostgreSQL computes them with percentile_cont; SQLite's store with
 * percentileCont; 0 when the query asks for none).
 */
export type UsageAggregateRow = {
  key1: string
  key2: string | null
  requests: SqlInt64
  errors: SqlInt64
  p50: number
  p95: number
  p99: number
} & Record<(typeof usageSummedColumns)[number], SqlInt64>

export function toUsageAggregate(row: UsageAggregateRow, codec: SqlCodec): UsageAggregate {
  const requests = codec.int64.read(row.requests)
  const errors = codec.int64.read(row.errors)
  const keys = row.key2 === null ? [row.key1] : [row.key1, row.key2]
  return {
    key: keys.join(USAGE_KEY_SEPARATOR),
    keys,
    inputTokens: codec.int64.read(row.input_tokens),
    cachedInputTokens: codec.int64.read(row.cached_input_tokens),
    cacheWriteTokens: codec.int64.read(row.cache_write_tokens),
    outputTokens: codec.int64.read(row.output_tokens),
    reasoningTokens: codec.int64.read(row.reasoning_tokens),
    totalTokens: codec.int64.read(row.total_tokens),
    requests,
    errors,
    errorRate: errors / requests,
    costNanoUsd: codec.int64.read(row.cost_nano_usd),
    latencyP50Ms: row.p50 ?? 0,
    latencyP95Ms: row.p95 ?? 0,
    latencyP99Ms: row.p99 ?? 0,
  }
}

/** The answer to a usage query from its groups, in the query's order and cut to its limit. */
export function toUsageAggregates(
  rows: readonly UsageAggregateRow[],
  query: UsageQuery,
  codec: SqlCodec,
): UsageAggregate[] {
  return orderUsageAggregates(
    rows.map((row) => toUsageAggregate(row, codec)),
    query,
  )
}

/** The count of one latency bucket of one group, for approximate percentiles. */
export interface UsageLatencyRow {
  key1: string
  key2: string | null
  bucket: number
  requests: SqlInt64
}

/**
 * Sets each aggregate's approximate percentiles from the bucket counts of its group; the rows may
 * hold one bucket of a group several times (from several parts of a query), which add up.
 */
export function withLatencyHistograms(
  aggregates: UsageAggregate[],
  rows: readonly UsageLatencyRow[],
  codec: SqlCodec,
): UsageAggregate[] {
  const groups = new Map<string, Map<number, number>>()
  for (const row of rows) {
    const id = JSON.stringify(row.key2 === null ? [row.key1] : [row.key1, row.key2])
    const counts = groups.get(id) ?? new Map<number, number>()
    groups.set(id, counts)
    const bucket = Number(row.bucket)
    counts.set(bucket, (counts.get(bucket) ?? 0) + codec.int64.read(row.requests))
  }
  for (const aggregate of aggregates) {
    const { p50, p95, p99 } = histogramPercentiles(groups.get(JSON.stringify(aggregate.keys)) ?? new Map())
    aggregate.latencyP50Ms = p50
    aggregate.latencyP95Ms = p95
    aggregate.latencyP99Ms = p99
  }
  return aggregates
}
