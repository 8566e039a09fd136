import {
  type ConversationRecord,
  type ConversationStore,
  type FinishReason,
  type MessageRecord,
  type MessageStatus,
  type Role,
  StoreError,
  type Usage,
} from '@aimux/ai-core'
import {
  compactFields,
  DEFAULT_CONVERSATION_PAGE_SIZE,
  decodePageCursor,
  encodePageCursor,
  toStoredContent,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { hasSqlState, UNIQUE_VIOLATION } from './database-error.js'

interface ConversationRow {
  id: string
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  title: string | null
  model: string | null
  metadata: Record<string, unknown>
  total_cost_nano_usd: string
  message_count: number
  created_at: Date
  updated_at: Date
}

interface MessageRow {
  id: string
  conversation_id: string
  seq: number
  role: Role
  content: MessageRecord['content']
  usage: Usage | null
  cost_nano_usd: string
  latency_ms: number | null
  provider: string | null
  model: string | null
  finish_reason: FinishReason | null
  status: MessageStatus
  error: string | null
  request_id: string | null
  created_at: Date
}

/** Conversations, their messages and user preferences in PostgreSQL (`s`: the quoted schema). */
export function createConversationStore(pool: Pool, s: string): ConversationStore {
  return {
    async createConversation(input) {
      const now = new Date()
      try {
        const { rows } = await pool.query<ConversationRow>(
          `INSERT INTO ${s}.conversations (id, tenant_id, user_id, project_id, title, model, metadata,
             total_cost_nano_usd, message_count, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 0, 0, $8, $8)
           RETURNING *`,
          [
            input.id,
            input.tenantId ?? null,
            input.userId ?? null,
            input.projectId ?? null,
            input.title ?? null,
            input.model ?? null,
            JSON.stringify(input.metadata ?? {}),
            now,
          ],
        )
        return toConversation(rows[0]!)
      } catch (error) {
        if (hasSqlState(error, UNIQUE_VIOLATION))
          throw new StoreError(`conversation ${input.id} already exists`, { cause: error })
        throw error
      }
    },

    async getConversation(id, filter = {}) {
      const { rows } = await pool.query<ConversationRow>(
        `SELECT * FROM ${s}.conversations WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2::text)`,
        [id, filter.tenantId ?? null],
      )
      return rows[0] && toConversation(rows[0])
    },

    async updateConversation(id, patch, filter = {}) {
      const { rows } = await pool.query<ConversationRow>(
        `UPDATE ${s}.conversations SET
           title = CASE WHEN $3::boolean THEN $4::text ELSE title END,
           model = CASE WHEN $5::boolean THEN $6::text ELSE model END,
           metadata = coalesce($7::jsonb, metadata),
           updated_at = $8
         WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2::text)
         RETURNING *`,
        [
          id,
          filter.tenantId ?? null,
          patch.title !== undefined,
          patch.title ?? null,
          patch.model !== undefined,
          patch.model ?? null,
          patch.metadata === undefined ? null : JSON.stringify(patch.metadata),
          new Date(),
        ],
      )
      if (!rows[0]) throw new StoreError(`conversation ${id} not found`)
      return toConversation(rows[0])
    },

    async listConversations(query) {
      const limit = query.limit ?? DEFAULT_CONVERSATION_PAGE_SIZE
      const direction = query.order === 'oldest' ? 'ASC' : 'DESC'
      const where: string[] = []
      const params: unknown[] = []
      const filters = { tenant_id: query.tenantId, user_id: query.userId, project_id: query.projectId }
      for (const [column, value] of Object.entries(filters)) {
        if (value === undefined) continue
        params.push(value)
        where.push(`${column} = $${params.length}`)
      }
      if (query.cursor !== undefined) {
        const after = decodePageCursor(query.cursor)
        params.push(after.createdAt, after.id)
        where.push(
          `(created_at, id) ${direction === 'ASC' ? '>' : '<'} ($${params.length - 1}, $${params.length})`,
        )
      }
      params.push(limit + 1)
      const { rows } = await pool.query<ConversationRow>(
        `SELECT * FROM ${s}.conversations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at ${direction}, id ${direction} LIMIT $${params.length}`,
        params,
      )
      const items = rows.slice(0, limit).map(toConversation)
      const last = items.at(-1)
      return rows.length > limit && last ? { items, nextCursor: encodePageCursor(last) } : { items }
    },

    async deleteConversation(id, filter = {}) {
      const { rowCount } = await pool.query(
        `DELETE FROM ${s}.conversations WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2::text)`,
        [id, filter.tenantId ?? null],
      )
      return rowCount! > 0
    },

    async appendMessage(input) {
      const costNanoUsd = input.costNanoUsd ?? 0
      try {
        // One statement: the conversation row's lock orders concurrent appends, and seq is the
        // count it returns; a failed insert undoes the count.
        const { rows } = await pool.query<MessageRow>(
          `WITH counted AS (
             UPDATE ${s}.conversations SET message_count = message_count + 1,
               total_cost_nano_usd = total_cost_nano_usd + $3, updated_at = $15
             WHERE id = $2 RETURNING message_count)
           INSERT INTO ${s}.messages (id, conversation_id, seq, role, content, usage, cost_nano_usd, latency_ms,
             provider, model, finish_reason, status, error, request_id, created_at)
           SELECT $1::text, $2::text, message_count, $4::text, $5::json, $6::jsonb, $3::bigint,
             $7::double precision, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::timestamptz
           FROM counted
           RETURNING *`,
          [
            input.id,
            input.conversationId,
            costNanoUsd,
            input.role,
            JSON.stringify(toStoredContent(input.content)),
            input.usage ? JSON.stringify(input.usage) : null,
            input.latencyMs ?? null,
            input.provider ?? null,
            input.model ?? null,
            input.finishReason ?? null,
            input.status ?? 'complete',
            input.error ?? null,
            input.requestId ?? null,
            input.createdAt ?? new Date(),
            new Date(),
          ],
        )
        if (!rows[0]) throw new StoreError(`conversation ${input.conversationId} not found`)
        return toMessage(rows[0])
      } catch (error) {
        if (hasSqlState(error, UNIQUE_VIOLATION))
          throw new StoreError(`message ${input.id} already exists`, { cause: error })
        throw error
      }
    },

    async listMessages(conversationId, query = {}) {
      const { rows } = await pool.query<MessageRow>(
        `SELECT m.* FROM ${s}.messages m JOIN ${s}.conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = $1 AND ($2::text IS NULL OR c.tenant_id = $2::text)
           AND ($3::integer IS NULL OR m.seq > $3::integer) AND ($4::integer IS NULL OR m.seq < $4::integer)
         ORDER BY m.seq ${query.order === 'newest' ? 'DESC' : 'ASC'} LIMIT $5`,
        [
          conversationId,
          query.tenantId ?? null,
          query.afterSeq ?? null,
          query.beforeSeq ?? null,
          query.limit ?? null,
        ],
      )
      return rows.map(toMessage)
    },

    async getPreferences({ tenantId = '', userId }) {
      const { rows } = await pool.query<{ preferences: Record<string, unknown> }>(
        `SELECT preferences FROM ${s}.preferences WHERE tenant_id = $1 AND user_id = $2`,
        [tenantId, userId],
      )
      return rows[0]?.preferences
    },

    async setPreferences({ tenantId = '', userId }, preferences) {
      await pool.query(
        `INSERT INTO ${s}.preferences (tenant_id, user_id, preferences) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET preferences = excluded.preferences`,
        [tenantId, userId, JSON.stringify(preferences)],
      )
    },
  }
}

function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    ...compactFields({
      tenantId: row.tenant_id,
      userId: row.user_id,
      projectId: row.project_id,
      title: row.title,
      model: row.model,
    }),
    metadata: row.metadata,
    totalCostNanoUsd: Number(row.total_cost_nano_usd),
    messageCount: row.message_count,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  }
}

function toMessage(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role,
    content: row.content,
    ...compactFields({
      usage: row.usage,
      latencyMs: row.latency_ms,
      provider: row.provider,
      model: row.model,
      finishReason: row.finish_reason,
      error: row.error,
      requestId: row.request_id,
    }),
    costNanoUsd: Number(row.cost_nano_usd),
    status: row.status,
    createdAt: new Date(row.created_at),
  }
}
