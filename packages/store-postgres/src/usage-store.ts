import type { CostSource, UsageAggregate, UsageGroupBy, UsageRecord, UsageStore } from '@aimux/ai-core'
import { aggregateGroup, compactFields } from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'

interface UsageRow {
  request_id: string
  created_at: Date
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  provider: string
  model: string
  connection_id: string | null
  conversation_id: string | null
  input_tokens: number
  cached_input_tokens: number
  cache_write_tokens: number
  output_tokens: number
  reasoning_tokens: number
  total_tokens: number
  cost_nano_usd: string
  cost_source: CostSource
  latency_ms: number
  time_to_first_token_ms: number | null
  success: boolean
  error_code: string | null
  stream: boolean
  steps: number
}

/** Sums come back from PostgreSQL as decimal strings (bigint, numeric), percentiles as numbers. */
type AggregateRow = { key: string; p50: number; p95: number; p99: number } & Record<
  | 'input_tokens'
  | 'cached_input_tokens'
  | 'cache_write_tokens'
  | 'output_tokens'
  | 'reasoning_tokens'
  | 'total_tokens'
  | 'requests'
  | 'errors'
  | 'cost_nano_usd',
  string
>

/** Each column of usage_records: its SQL type and how a record fills it. */
const columns: readonly [name: string, type: string, value: (record: UsageRecord) => unknown][] = [
  ['request_id', 'text', (r) => r.requestId],
  ['created_at', 'timestamptz', (r) => r.createdAt],
  ['tenant_id', 'text', (r) => r.tenantId],
  ['user_id', 'text', (r) => r.userId],
  ['project_id', 'text', (r) => r.projectId],
  ['provider', 'text', (r) => r.provider],
  ['model', 'text', (r) => r.model],
  ['connection_id', 'text', (r) => r.connectionId],
  ['conversation_id', 'text', (r) => r.conversationId],
  ['input_tokens', 'integer', (r) => r.inputTokens],
  ['cached_input_tokens', 'integer', (r) => r.cachedInputTokens],
  ['cache_write_tokens', 'integer', (r) => r.cacheWriteTokens],
  ['output_tokens', 'integer', (r) => r.outputTokens],
  ['reasoning_tokens', 'integer', (r) => r.reasoningTokens],
  ['total_tokens', 'integer', (r) => r.totalTokens],
  ['cost_nano_usd', 'bigint', (r) => r.costNanoUsd],
  ['cost_source', 'text', (r) => r.costSource],
  ['latency_ms', 'double precision', (r) => r.latencyMs],
  ['time_to_first_token_ms', 'double precision', (r) => r.timeToFirstTokenMs],
  ['success', 'boolean', (r) => r.success],
  ['error_code', 'text', (r) => r.errorCode],
  ['stream', 'boolean', (r) => r.stream],
  ['steps', 'integer', (r) => r.steps],
]

/** The SQL expression of each grouping; "" for records without a user or tenant, UTC days. */
const groupKeys: Record<UsageGroupBy | 'total', string> = {
  total: `'total'`,
  day: `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  provider: 'provider',
  model: 'model',
  user: `coalesce(user_id, '')`,
  tenant: `coalesce(tenant_id, '')`,
}

const filterColumns = {
  tenantId: 'tenant_id',
  userId: 'user_id',
  projectId: 'project_id',
  provider: 'provider',
  model: 'model',
} as const

/**
 * Usage records and their analytics in PostgreSQL. A batch is one INSERT of arrays, however
 * long; analytics are one GROUP BY with percentile_cont.
 */
export function createUsageStore(pool: Pool, s: string): UsageStore {
  const names = columns.map(([name]) => name).join(', ')
  // The first record of a batch wins over a later one with the same requestId, as a stored one
  // wins over both; rows go in by requestId, so concurrent batches never wait on each other in a cycle.
  const insert = `
    INSERT INTO ${s}.usage_records (${names})
    SELECT DISTINCT ON (request_id) ${names}
    FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) WITH ORDINALITY
      AS batch (${names}, position)
    ORDER BY request_id, position
    ON CONFLICT (request_id) DO NOTHING`

  return {
    async recordUsage(records) {
      if (records.length === 0) return
      await pool.query(
        insert,
        columns.map(([, , value]) => records.map((record) => value(record) ?? null)),
      )
    },

    async getUsage(requestId) {
      const { rows } = await pool.query<UsageRow>(`SELECT * FROM ${s}.usage_records WHERE request_id = $1`, [
        requestId,
      ])
      return rows[0] && toRecord(rows[0])
    },

    async queryUsage(query) {
      const params: unknown[] = [query.from, query.to]
      const where = ['created_at >= $1', 'created_at < $2']
      for (const [field, column] of Object.entries(filterColumns)) {
        const value = query[field as keyof typeof filterColumns]
        if (value === undefined) continue
        params.push(value)
        where.push(`${column} = $${params.length}`)
      }
      const { rows } = await pool.query<AggregateRow>(
        `SELECT (${groupKeys[query.groupBy ?? 'total']}) COLLATE "C" AS key,
           sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
           sum(cache_write_tokens) AS cache_write_tokens, sum(output_tokens) AS output_tokens,
           sum(reasoning_tokens) AS reasoning_tokens, sum(total_tokens) AS total_tokens,
           count(*) AS requests, count(*) FILTER (WHERE NOT success) AS errors,
           sum(cost_nano_usd) AS cost_nano_usd,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
         FROM ${s}.usage_records WHERE ${where.join(' AND ')}
         GROUP BY 1 ORDER BY 1`,
        params,
      )
      if (query.groupBy === undefined && rows.length === 0) return [aggregateGroup('total', [])]
      return rows.map(toAggregate)
    },
  }
}

function toAggregate(row: AggregateRow): UsageAggregate {
  const requests = Number(row.requests)
  const errors = Number(row.errors)
  return {
    key: row.key,
    inputTokens: Number(row.input_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    outputTokens: Number(row.output_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    totalTokens: Number(row.total_tokens),
    requests,
    errors,
    errorRate: errors / requests,
    costNanoUsd: Number(row.cost_nano_usd),
    latencyP50Ms: row.p50,
    latencyP95Ms: row.p95,
    latencyP99Ms: row.p99,
  }
}

function toRecord(row: UsageRow): UsageRecord {
  return {
    requestId: row.request_id,
    createdAt: new Date(row.created_at),
    ...compactFields({
      tenantId: row.tenant_id,
      userId: row.user_id,
      projectId: row.project_id,
      connectionId: row.connection_id,
      conversationId: row.conversation_id,
      timeToFirstTokenMs: row.time_to_first_token_ms,
      errorCode: row.error_code,
    }),
    provider: row.provider,
    model: row.model,
    inputTokens: row.input_tokens,
    cachedInputTokens: row.cached_input_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    outputTokens: row.output_tokens,
    reasoningTokens: row.reasoning_tokens,
    totalTokens: row.total_tokens,
    costNanoUsd: Number(row.cost_nano_usd),
    costSource: row.cost_source,
    latencyMs: row.latency_ms,
    success: row.success,
    stream: row.stream,
    steps: row.steps,
  }
}
