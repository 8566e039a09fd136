import type { CostSource, UsageAggregate, UsageGroupBy, UsageRecord, UsageStore } from '@aimux/ai-core'
import { aggregateGroup, compactFields, percentileCont } from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { createStatementCache } from './statement-cache.js'

interface UsageRow {
  request_id: string
  created_at: number
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
  cost_nano_usd: number
  cost_source: CostSource
  latency_ms: number
  time_to_first_token_ms: number | null
  success: number
  error_code: string | null
  stream: number
  steps: number
}

type SumsRow = Omit<UsageAggregate, 'errorRate' | 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms'>

/** The SQL expression of each grouping; "" for records without a user or tenant, UTC days. */
const groupKeys: Record<UsageGroupBy | 'total', string> = {
  total: `'total'`,
  day: `strftime('%Y-%m-%d', created_at / 1000.0, 'unixepoch')`,
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
 * Usage records and their analytics in SQLite. A batch is written in one transaction; sums are
 * computed by SQL and latency percentiles from the sorted latencies with percentile_cont's rule.
 */
export function createUsageStore(db: Database): UsageStore {
  const statement = createStatementCache(db)
  const insert = db.prepare<Record<string, unknown>>(
    `INSERT INTO usage_records (request_id, created_at, tenant_id, user_id, project_id, provider, model,
       connection_id, conversation_id, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,
       reasoning_tokens, total_tokens, cost_nano_usd, cost_source, latency_ms, time_to_first_token_ms,
       success, error_code, stream, steps)
     VALUES (@requestId, @createdAt, @tenantId, @userId, @projectId, @provider, @model,
       @connectionId, @conversationId, @inputTokens, @cachedInputTokens, @cacheWriteTokens, @outputTokens,
       @reasoningTokens, @totalTokens, @costNanoUsd, @costSource, @latencyMs, @timeToFirstTokenMs,
       @success, @errorCode, @stream, @steps)
     ON CONFLICT (request_id) DO NOTHING`,
  )
  const select = db.prepare<[string], UsageRow>('SELECT * FROM usage_records WHERE request_id = ?')

  const insertAll = db.transaction((records: readonly UsageRecord[]) => {
    for (const record of records) insert.run(toRow(record))
  })

  /** Both queries read one snapshot of the database. */
  const aggregate = db.transaction(
    (sql: { sums: string; latencies: string }, params: Record<string, unknown>) => {
      const sums = statement(sql.sums).all(params) as SumsRow[]
      const latencies = new Map<string, number[]>()
      for (const [key, latency] of statement(sql.latencies).raw().iterate(params) as Iterable<
        [string, number]
      >) {
        const group = latencies.get(key)
        if (group) group.push(latency)
        else latencies.set(key, [latency])
      }
      return sums.map((row): UsageAggregate => {
        const sorted = latencies.get(row.key) ?? []
        return {
          ...row,
          errorRate: row.errors / row.requests,
          latencyP50Ms: percentileCont(sorted, 0.5),
          latencyP95Ms: percentileCont(sorted, 0.95),
          latencyP99Ms: percentileCont(sorted, 0.99),
        }
      })
    },
  )

  return {
    async recordUsage(records) {
      if (records.length > 0) insertAll.immediate(records)
    },

    async getUsage(requestId) {
      const row = select.get(requestId)
      return row && toRecord(row)
    },

    async queryUsage(query) {
      const where = ['created_at >= @from', 'created_at < @to']
      const params: Record<string, unknown> = { from: query.from.getTime(), to: query.to.getTime() }
      for (const [field, column] of Object.entries(filterColumns)) {
        const value = query[field as keyof typeof filterColumns]
        if (value === undefined) continue
        where.push(`${column} = @${field}`)
        params[field] = value
      }
      const key = groupKeys[query.groupBy ?? 'total']
      const matching = `FROM usage_records WHERE ${where.join(' AND ')}`
      const rows = aggregate.deferred(
        {
          sums: `SELECT ${key} AS key, sum(input_tokens) AS inputTokens,
                   sum(cached_input_tokens) AS cachedInputTokens, sum(cache_write_tokens) AS cacheWriteTokens,
                   sum(output_tokens) AS outputTokens, sum(reasoning_tokens) AS reasoningTokens,
                   sum(total_tokens) AS totalTokens, count(*) AS requests, sum(NOT success) AS errors,
                   sum(cost_nano_usd) AS costNanoUsd
                 ${matching} GROUP BY key ORDER BY key`,
          latencies: `SELECT ${key} AS key, latency_ms ${matching} ORDER BY key, latency_ms`,
        },
        params,
      )
      return query.groupBy === undefined && rows.length === 0 ? [aggregateGroup('total', [])] : rows
    },
  }
}

function toRow(record: UsageRecord): Record<string, unknown> {
  return {
    ...record,
    createdAt: record.createdAt.getTime(),
    tenantId: record.tenantId ?? null,
    userId: record.userId ?? null,
    projectId: record.projectId ?? null,
    connectionId: record.connectionId ?? null,
    conversationId: record.conversationId ?? null,
    timeToFirstTokenMs: record.timeToFirstTokenMs ?? null,
    success: record.success ? 1 : 0,
    errorCode: record.errorCode ?? null,
    stream: record.stream ? 1 : 0,
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
    costNanoUsd: row.cost_nano_usd,
    costSource: row.cost_source,
    latencyMs: row.latency_ms,
    success: row.success === 1,
    stream: row.stream === 1,
    steps: row.steps,
  }
}
