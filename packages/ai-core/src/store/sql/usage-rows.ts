import type { CostSource } from '../../cost/cost.js'
import { compactFields } from '../../spec/compact-fields.js'
import type { UsageOperation } from '../../spec/embedding.js'
import type { UsageRecord } from '../usage-store.js'
import type { SqlBoolean, SqlCodec, SqlDate, SqlInt64, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `usage_records`. */
export interface UsageRow {
  request_id: string
  created_at: SqlDate
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
  cost_nano_usd: SqlInt64
  cost_source: CostSource
  latency_ms: number
  time_to_first_token_ms: number | null
  success: SqlBoolean
  error_code: string | null
  stream: SqlBoolean
  steps: number
  operation: UsageOperation
  counts: SqlJson | null
}

export const usageRecordsTable: SqlTable<UsageRow> = {
  name: 'usage_records',
  columns: {
    request_id: 'text',
    created_at: 'timestamp',
    tenant_id: 'text',
    user_id: 'text',
    project_id: 'text',
    provider: 'text',
    model: 'text',
    connection_id: 'text',
    conversation_id: 'text',
    input_tokens: 'integer',
    cached_input_tokens: 'integer',
    cache_write_tokens: 'integer',
    output_tokens: 'integer',
    reasoning_tokens: 'integer',
    total_tokens: 'integer',
    cost_nano_usd: 'int64',
    cost_source: 'text',
    latency_ms: 'real',
    time_to_first_token_ms: 'real',
    success: 'boolean',
    error_code: 'text',
    stream: 'boolean',
    steps: 'integer',
    operation: 'text',
    counts: 'json',
  },
}

export function toUsageRow(record: UsageRecord, codec: SqlCodec): UsageRow {
  return {
    request_id: record.requestId,
    created_at: codec.date.write(record.createdAt),
    tenant_id: record.tenantId ?? null,
    user_id: record.userId ?? null,
    project_id: record.projectId ?? null,
    provider: record.provider,
    model: record.model,
    connection_id: record.connectionId ?? null,
    conversation_id: record.conversationId ?? null,
    input_tokens: record.inputTokens,
    cached_input_tokens: record.cachedInputTokens,
    cache_write_tokens: record.cacheWriteTokens,
    output_tokens: record.outputTokens,
    reasoning_tokens: record.reasoningTokens,
    total_tokens: record.totalTokens,
    cost_nano_usd: codec.int64.write(record.costNanoUsd),
    cost_source: record.costSource,
    latency_ms: record.latencyMs,
    time_to_first_token_ms: record.timeToFirstTokenMs ?? null,
    success: codec.boolean.write(record.success),
    error_code: record.errorCode ?? null,
    stream: codec.boolean.write(record.stream),
    steps: record.steps,
    operation: record.operation,
    counts: record.counts === undefined ? null : codec.json.write(record.counts),
  }
}

export function toUsageRecord(row: UsageRow, codec: SqlCodec): UsageRecord {
  return {
    requestId: row.request_id,
    createdAt: codec.date.read(row.created_at),
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
    costNanoUsd: codec.int64.read(row.cost_nano_usd),
    costSource: row.cost_source,
    latencyMs: row.latency_ms,
    success: codec.boolean.read(row.success),
    stream: codec.boolean.read(row.stream),
    steps: row.steps,
    operation: row.operation,
    ...(row.counts === null ? {} : { counts: codec.json.read(row.counts) as Record<string, number> }),
  }
}
