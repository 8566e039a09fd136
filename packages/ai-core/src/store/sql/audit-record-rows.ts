import { compactFields } from '../../spec/compact-fields.js'
import type { UsageOperation } from '../../spec/embedding.js'
import type { AuditContent, AuditOutcome, AuditQuery, AuditRecord } from '../audit-store.js'
import { DEFAULT_AUDIT_PAGE_SIZE } from '../audit-store.js'
import type { Page } from '../conversation-store.js'
import { decodePageCursor, encodePageCursor } from '../kit/page-cursor.js'
import type { SqlBoolean, SqlCodec, SqlDate, SqlInt64, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `audit_records`: one request, its scope in columns, its stored content as JSON. */
export interface AuditRecordRow {
  id: string
  created_at: SqlDate
  request_id: string
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  conversation_id: string | null
  key_id: string | null
  operation: string
  stream: SqlBoolean
  provider: string | null
  model: string | null
  requested_model: string | null
  prompt_sha256: string
  answer_sha256: string | null
  content: SqlJson | null
  cost_nano_usd: SqlInt64
  input_tokens: SqlInt64
  output_tokens: SqlInt64
  outcome: string
  error_code: string | null
  error: string | null
}

export const auditRecordsTable: SqlTable<AuditRecordRow> = {
  name: 'audit_records',
  columns: {
    id: 'text',
    created_at: 'timestamp',
    request_id: 'text',
    tenant_id: 'text',
    user_id: 'text',
    project_id: 'text',
    conversation_id: 'text',
    key_id: 'text',
    operation: 'text',
    stream: 'boolean',
    provider: 'text',
    model: 'text',
    requested_model: 'text',
    prompt_sha256: 'text',
    answer_sha256: 'text',
    content: 'json',
    cost_nano_usd: 'int64',
    input_tokens: 'int64',
    output_tokens: 'int64',
    outcome: 'text',
    error_code: 'text',
    error: 'text',
  },
}

/** The row a record is written as; an absent field is NULL. */
export function toAuditRecordRow(record: AuditRecord, codec: SqlCodec): AuditRecordRow {
  return {
    id: record.id,
    created_at: codec.date.write(record.createdAt),
    request_id: record.requestId,
    tenant_id: record.tenantId ?? null,
    user_id: record.userId ?? null,
    project_id: record.projectId ?? null,
    conversation_id: record.conversationId ?? null,
    key_id: record.keyId ?? null,
    operation: record.operation,
    stream: codec.boolean.write(record.stream),
    provider: record.provider ?? null,
    model: record.model ?? null,
    requested_model: record.requestedModel ?? null,
    prompt_sha256: record.promptSha256,
    answer_sha256: record.answerSha256 ?? null,
    content: record.content === undefined ? null : codec.json.write(record.content),
    cost_nano_usd: codec.int64.write(record.costNanoUsd),
    input_tokens: codec.int64.write(record.inputTokens),
    output_tokens: codec.int64.write(record.outputTokens),
    outcome: record.outcome,
    error_code: record.errorCode ?? null,
    error: record.error ?? null,
  }
}

export function toAuditRecord(row: AuditRecordRow, codec: SqlCodec): AuditRecord {
  return {
    id: row.id,
    createdAt: codec.date.read(row.created_at),
    requestId: row.request_id,
    ...compactFields({
      tenantId: row.tenant_id,
      userId: row.user_id,
      projectId: row.project_id,
      conversationId: row.conversation_id,
      keyId: row.key_id,
    }),
    operation: row.operation as UsageOperation,
    stream: codec.boolean.read(row.stream),
    ...compactFields({ provider: row.provider, model: row.model, requestedModel: row.requested_model }),
    promptSha256: row.prompt_sha256,
    ...compactFields({
      answerSha256: row.answer_sha256,
      content: row.content === null ? null : (codec.json.read(row.content) as AuditContent),
    }),
    costNanoUsd: codec.int64.read(row.cost_nano_usd),
    inputTokens: codec.int64.read(row.input_tokens),
    outputTokens: codec.int64.read(row.output_tokens),
    outcome: row.outcome as AuditOutcome,
    ...compactFields({ errorCode: row.error_code, error: row.error }),
  }
}

/**
 * What a page of audit records asks of the database: rows matching every condition, ordered by
 * (created_at, id) descending, at most `limit + 1` of them (the one past the page says whether
 * another follows). Each condition is a column, an operator and a value; a store writes them as
 * `column op ?` joined with AND, and `after` as `(created_at, id) < (?, ?)`.
 */
export interface AuditPageQuery {
  limit: number
  conditions: [column: keyof AuditRecordRow & string, op: '=' | '>=' | '<', value: unknown][]
  after?: { created_at: SqlDate; id: string }
}

export function auditPageQuery(query: AuditQuery, codec: SqlCodec): AuditPageQuery {
  const conditions: AuditPageQuery['conditions'] = []
  if (query.from !== undefined) conditions.push(['created_at', '>=', codec.date.write(query.from)])
  if (query.to !== undefined) conditions.push(['created_at', '<', codec.date.write(query.to)])
  const equal = [
    ['tenant_id', query.tenantId],
    ['user_id', query.userId],
    ['project_id', query.projectId],
    ['provider', query.provider],
    ['model', query.model],
    ['key_id', query.keyId],
    ['outcome', query.outcome],
  ] as const
  for (const [column, value] of equal) if (value !== undefined) conditions.push([column, '=', value])
  const page: AuditPageQuery = { limit: query.limit ?? DEFAULT_AUDIT_PAGE_SIZE, conditions }
  if (query.cursor !== undefined) {
    const after = decodePageCursor(query.cursor)
    page.after = { created_at: codec.date.write(after.createdAt), id: after.id }
  }
  return page
}

/** The page of the first `limit` rows, with a cursor when the query fetched one row more. */
export function toAuditPage(
  rows: readonly AuditRecordRow[],
  limit: number,
  codec: SqlCodec,
): Page<AuditRecord> {
  const items = rows.slice(0, limit).map((row) => toAuditRecord(row, codec))
  const last = items.at(-1)
  return rows.length > limit && last ? { items, nextCursor: encodePageCursor(last) } : { items }
}
