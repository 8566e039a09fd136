import { aggregateGroup } from '../kit/usage-aggregate.js'
import type { UsageAggregate, UsageQuery } from '../usage-store.js'
import type { SqlCodec, SqlInt64 } from './sql-codec.js'
import type { usageSummedColumns } from './usage-query-columns.js'

/**
 * One group of a usage query as the database returns it: its key, the sums of
 * usageSummedColumns, the count of requests and of failed ones, and the latency percentiles
 * (PostgreSQL computes them with percentile_cont; SQLite's store with percentileCont).
 */
export type UsageAggregateRow = {
  key: string
  requests: SqlInt64
  errors: SqlInt64
  p50: number
  p95: number
  p99: number
} & Record<(typeof usageSummedColumns)[number], SqlInt64>

export function toUsageAggregate(row: UsageAggregateRow, codec: SqlCodec): UsageAggregate {
  const requests = codec.int64.read(row.requests)
  const errors = codec.int64.read(row.errors)
  return {
    key: row.key,
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
    latencyP50Ms: row.p50,
    latencyP95Ms: row.p95,
    latencyP99Ms: row.p99,
  }
}

/**
 * The answer to a usage query from its groups, sorted by key: without groupBy and with nothing
 * matching, the one all-zero "total" group the port promises.
 */
export function toUsageAggregates(
  rows: readonly UsageAggregateRow[],
  query: UsageQuery,
  codec: SqlCodec,
): UsageAggregate[] {
  if (query.groupBy === undefined && rows.length === 0) return [aggregateGroup('total', [])]
  return rows.map((row) => toUsageAggregate(row, codec))
}
