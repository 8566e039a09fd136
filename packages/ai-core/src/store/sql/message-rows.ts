import { compactFields } from '../../spec/compact-fields.js'
import type { Role } from '../../spec/message.js'
import type { FinishReason } from '../../spec/provider.js'
import type { MessageRecord, MessageStatus, NewMessage } from '../conversation-store.js'
import { toStoredContent } from '../kit/stored-content.js'
import type { SqlCodec, SqlDate, SqlInt64, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `messages`. */
export interface MessageRow {
  id: string
  conversation_id: string
  seq: number
  role: Role
  content: SqlJson
  usage: SqlJson | null
  cost_nano_usd: SqlInt64
  latency_ms: number | null
  provider: string | null
  model: string | null
  finish_reason: FinishReason | null
  status: MessageStatus
  error: string | null
  request_id: string | null
  created_at: SqlDate
}

export const messagesTable: SqlTable<MessageRow> = {
  name: 'messages',
  columns: {
    id: 'text',
    conversation_id: 'text',
    seq: 'integer',
    role: 'text',
    content: 'json-text',
    usage: 'json',
    cost_nano_usd: 'int64',
    latency_ms: 'real',
    provider: 'text',
    model: 'text',
    finish_reason: 'text',
    status: 'text',
    error: 'text',
    request_id: 'text',
    created_at: 'timestamp',
  },
}

/**
 * The row of a new message, all but its `seq`, which the store assigns while it counts the
 * message on its conversation. Content is stored as toStoredContent makes it; a message without
 * a time is stamped `now`.
 */
export function newMessageRow(input: NewMessage, now: Date, codec: SqlCodec): Omit<MessageRow, 'seq'> {
  return {
    id: input.id,
    conversation_id: input.conversationId,
    role: input.role,
    content: codec.json.write(toStoredContent(input.content)),
    usage: input.usage ? codec.json.write(input.usage) : null,
    cost_nano_usd: codec.int64.write(input.costNanoUsd ?? 0),
    latency_ms: input.latencyMs ?? null,
    provider: input.provider ?? null,
    model: input.model ?? null,
    finish_reason: input.finishReason ?? null,
    status: input.status ?? 'complete',
    error: input.error ?? null,
    request_id: input.requestId ?? null,
    created_at: codec.date.write(input.createdAt ?? now),
  }
}

export function toMessage(row: MessageRow, codec: SqlCodec): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role,
    content: codec.json.read(row.content) as MessageRecord['content'],
    ...compactFields({
      usage: row.usage === null ? null : (codec.json.read(row.usage) as MessageRecord['usage']),
      latencyMs: row.latency_ms,
      provider: row.provider,
      model: row.model,
      finishReason: row.finish_reason,
      error: row.error,
      requestId: row.request_id,
    }),
    costNanoUsd: codec.int64.read(row.cost_nano_usd),
    status: row.status,
    createdAt: codec.date.read(row.created_at),
  }
}
