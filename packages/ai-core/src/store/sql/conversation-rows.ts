import { compactFields } from '../../spec/compact-fields.js'
import type { ConversationRecord, ConversationStore, NewConversation } from '../conversation-store.js'
import type { SqlBoolean, SqlCodec, SqlDate, SqlInt64, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `conversations`. */
export interface ConversationRow {
  id: string
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  title: string | null
  model: string | null
  metadata: SqlJson
  total_cost_nano_usd: SqlInt64
  message_count: number
  created_at: SqlDate
  updated_at: SqlDate
  /** Set by a retention policy (schema version 10). */
  archived_at?: SqlDate | null
}

export const conversationsTable: SqlTable<ConversationRow> = {
  name: 'conversations',
  columns: {
    id: 'text',
    tenant_id: 'text',
    user_id: 'text',
    project_id: 'text',
    title: 'text',
    model: 'text',
    metadata: 'json',
    total_cost_nano_usd: 'int64',
    message_count: 'integer',
    created_at: 'timestamp',
    updated_at: 'timestamp',
    archived_at: 'timestamp',
  },
}

/** The row of a new conversation, created `now`: no messages, nothing spent. */
export function newConversationRow(input: NewConversation, now: Date, codec: SqlCodec): ConversationRow {
  return {
    id: input.id,
    tenant_id: input.tenantId ?? null,
    user_id: input.userId ?? null,
    project_id: input.projectId ?? null,
    title: input.title ?? null,
    model: input.model ?? null,
    metadata: codec.json.write(input.metadata ?? {}),
    total_cost_nano_usd: codec.int64.write(0),
    message_count: 0,
    created_at: codec.date.write(now),
    updated_at: codec.date.write(now),
    archived_at: null,
  }
}

/**
 * The parameters of an update: `set_title` and `set_model` say whether the patch gives the field
 * (null clears it), `metadata` is null when it keeps its value.
 */
export interface ConversationUpdate {
  set_title: SqlBoolean
  title: string | null
  set_model: SqlBoolean
  model: string | null
  metadata: SqlJson | null
  updated_at: SqlDate
}

export function conversationUpdate(
  patch: Parameters<ConversationStore['updateConversation']>[1],
  now: Date,
  codec: SqlCodec,
): ConversationUpdate {
  return {
    set_title: codec.boolean.write(patch.title !== undefined),
    title: patch.title ?? null,
    set_model: codec.boolean.write(patch.model !== undefined),
    model: patch.model ?? null,
    metadata: patch.metadata === undefined ? null : codec.json.write(patch.metadata),
    updated_at: codec.date.write(now),
  }
}

export function toConversation(row: ConversationRow, codec: SqlCodec): ConversationRecord {
  return {
    id: row.id,
    ...compactFields({
      tenantId: row.tenant_id,
      userId: row.user_id,
      projectId: row.project_id,
      title: row.title,
      model: row.model,
    }),
    metadata: codec.json.read(row.metadata) as Record<string, unknown>,
    totalCostNanoUsd: codec.int64.read(row.total_cost_nano_usd),
    messageCount: row.message_count,
    createdAt: codec.date.read(row.created_at),
    updatedAt: codec.date.read(row.updated_at),
    ...(row.archived_at != null && { archivedAt: codec.date.read(row.archived_at) }),
  }
}
