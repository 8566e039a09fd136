import {
  type ConversationRecord,
  type ConversationStore,
  type FinishReason,
  type MessageRecord,
  type MessageStatus,
  type NewMessage,
  type Role,
  StoreError,
} from '@aimux/ai-core'
import {
  compactFields,
  DEFAULT_CONVERSATION_PAGE_SIZE,
  decodePageCursor,
  encodePageCursor,
  toStoredContent,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { createStatementCache } from './statement-cache.js'

interface ConversationRow {
  id: string
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  title: string | null
  model: string | null
  metadata: string
  total_cost_nano_usd: number
  message_count: number
  created_at: number
  updated_at: number
}

interface MessageRow {
  id: string
  conversation_id: string
  seq: number
  role: Role
  content: string
  usage: string | null
  cost_nano_usd: number
  latency_ms: number | null
  provider: string | null
  model: string | null
  finish_reason: FinishReason | null
  status: MessageStatus
  error: string | null
  request_id: string | null
  created_at: number
}

/** Who may see a conversation: `tenantId` null matches any. */
interface Scoped {
  id: string
  tenantId: string | null
}

/** Conversations, their messages and user preferences in SQLite. */
export function createConversationStore(db: Database): ConversationStore {
  const statement = createStatementCache(db)
  const insertConversation = db.prepare<Record<string, unknown>, ConversationRow>(
    `INSERT INTO conversations (id, tenant_id, user_id, project_id, title, model, metadata,
       total_cost_nano_usd, message_count, created_at, updated_at)
     VALUES (@id, @tenantId, @userId, @projectId, @title, @model, @metadata, 0, 0, @now, @now)
     RETURNING *`,
  )
  const selectConversation = db.prepare<Scoped, ConversationRow>(
    'SELECT * FROM conversations WHERE id = @id AND (@tenantId IS NULL OR tenant_id = @tenantId)',
  )
  const updateConversation = db.prepare<Record<string, unknown>, ConversationRow>(
    `UPDATE conversations SET
       title = CASE WHEN @setTitle THEN @title ELSE title END,
       model = CASE WHEN @setModel THEN @model ELSE model END,
       metadata = coalesce(@metadata, metadata),
       updated_at = @now
     WHERE id = @id AND (@tenantId IS NULL OR tenant_id = @tenantId)
     RETURNING *`,
  )
  const deleteConversation = db.prepare<Scoped>(
    'DELETE FROM conversations WHERE id = @id AND (@tenantId IS NULL OR tenant_id = @tenantId)',
  )
  const countMessage = db
    .prepare<{ id: string; cost: number; now: number }, number>(
      `UPDATE conversations SET message_count = message_count + 1,
       total_cost_nano_usd = total_cost_nano_usd + @cost, updated_at = @now
     WHERE id = @id RETURNING message_count`,
    )
    .pluck()
  const insertMessage = db.prepare<Record<string, unknown>, MessageRow>(
    `INSERT INTO messages (id, conversation_id, seq, role, content, usage, cost_nano_usd, latency_ms,
       provider, model, finish_reason, status, error, request_id, created_at)
     VALUES (@id, @conversationId, @seq, @role, @content, @usage, @costNanoUsd, @latencyMs,
       @provider, @model, @finishReason, @status, @error, @requestId, @createdAt)
     RETURNING *`,
  )
  const selectPreferences = db
    .prepare<{ tenantId: string; userId: string }, string>(
      'SELECT preferences FROM preferences WHERE tenant_id = @tenantId AND user_id = @userId',
    )
    .pluck()
  const upsertPreferences = db.prepare<{ tenantId: string; userId: string; preferences: string }>(
    `INSERT INTO preferences (tenant_id, user_id, preferences) VALUES (@tenantId, @userId, @preferences)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET preferences = excluded.preferences`,
  )

  /** Counts the message on its conversation and inserts it with the next seq, all or nothing. */
  const append = db.transaction((input: NewMessage): MessageRecord => {
    const costNanoUsd = input.costNanoUsd ?? 0
    const seq = countMessage.get({ id: input.conversationId, cost: costNanoUsd, now: Date.now() })
    if (seq === undefined) throw new StoreError(`conversation ${input.conversationId} not found`)
    const row = {
      id: input.id,
      conversationId: input.conversationId,
      seq,
      role: input.role,
      content: JSON.stringify(toStoredContent(input.content)),
      usage: input.usage ? JSON.stringify(input.usage) : null,
      costNanoUsd,
      latencyMs: input.latencyMs ?? null,
      provider: input.provider ?? null,
      model: input.model ?? null,
      finishReason: input.finishReason ?? null,
      status: input.status ?? 'complete',
      error: input.error ?? null,
      requestId: input.requestId ?? null,
      createdAt: (input.createdAt ?? new Date()).getTime(),
    }
    try {
      return toMessage(insertMessage.get(row)!)
    } catch (error) {
      if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY'))
        throw new StoreError(`message ${input.id} already exists`, { cause: error })
      throw error
    }
  })

  return {
    async createConversation(input) {
      const now = Date.now()
      try {
        const row = insertConversation.get({
          id: input.id,
          tenantId: input.tenantId ?? null,
          userId: input.userId ?? null,
          projectId: input.projectId ?? null,
          title: input.title ?? null,
          model: input.model ?? null,
          metadata: JSON.stringify(input.metadata ?? {}),
          now,
        })
        return toConversation(row!)
      } catch (error) {
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY'))
          throw new StoreError(`conversation ${input.id} already exists`, { cause: error })
        throw error
      }
    },

    async getConversation(id, filter = {}) {
      const row = selectConversation.get({ id, tenantId: filter.tenantId ?? null })
      return row && toConversation(row)
    },

    async updateConversation(id, patch, filter = {}) {
      const row = updateConversation.get({
        id,
        tenantId: filter.tenantId ?? null,
        setTitle: patch.title === undefined ? 0 : 1,
        title: patch.title ?? null,
        setModel: patch.model === undefined ? 0 : 1,
        model: patch.model ?? null,
        metadata: patch.metadata === undefined ? null : JSON.stringify(patch.metadata),
        now: Date.now(),
      })
      if (!row) throw new StoreError(`conversation ${id} not found`)
      return toConversation(row)
    },

    async listConversations(query) {
      const limit = query.limit ?? DEFAULT_CONVERSATION_PAGE_SIZE
      const direction = query.order === 'oldest' ? 'ASC' : 'DESC'
      const where: string[] = []
      const params: Record<string, unknown> = { limit: limit + 1 }
      const filters = { tenant_id: query.tenantId, user_id: query.userId, project_id: query.projectId }
      for (const [column, value] of Object.entries(filters)) {
        if (value === undefined) continue
        where.push(`${column} = @${column}`)
        params[column] = value
      }
      if (query.cursor !== undefined) {
        const after = decodePageCursor(query.cursor)
        where.push(`(created_at, id) ${direction === 'ASC' ? '>' : '<'} (@afterCreatedAt, @afterId)`)
        params.afterCreatedAt = after.createdAt.getTime()
        params.afterId = after.id
      }
      const rows = statement(
        `SELECT * FROM conversations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at ${direction}, id ${direction} LIMIT @limit`,
      ).all(params) as ConversationRow[]
      const items = rows.slice(0, limit).map(toConversation)
      const last = items.at(-1)
      return rows.length > limit && last ? { items, nextCursor: encodePageCursor(last) } : { items }
    },

    async deleteConversation(id, filter = {}) {
      return deleteConversation.run({ id, tenantId: filter.tenantId ?? null }).changes > 0
    },

    async appendMessage(input) {
      return append.immediate(input)
    },

    async listMessages(conversationId, query = {}) {
      const rows = statement(
        `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.conversation_id = @conversationId AND (@tenantId IS NULL OR c.tenant_id = @tenantId)
           AND (@afterSeq IS NULL OR m.seq > @afterSeq) AND (@beforeSeq IS NULL OR m.seq < @beforeSeq)
         ORDER BY m.seq ${query.order === 'newest' ? 'DESC' : 'ASC'} LIMIT @limit`,
      ).all({
        conversationId,
        tenantId: query.tenantId ?? null,
        afterSeq: query.afterSeq ?? null,
        beforeSeq: query.beforeSeq ?? null,
        limit: query.limit ?? -1,
      }) as MessageRow[]
      return rows.map(toMessage)
    },

    async getPreferences({ tenantId = '', userId }) {
      const stored = selectPreferences.get({ tenantId, userId })
      return stored === undefined ? undefined : JSON.parse(stored)
    },

    async setPreferences({ tenantId = '', userId }, preferences) {
      upsertPreferences.run({ tenantId, userId, preferences: JSON.stringify(preferences) })
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
    metadata: JSON.parse(row.metadata),
    totalCostNanoUsd: row.total_cost_nano_usd,
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
    content: JSON.parse(row.content),
    ...compactFields({
      usage: row.usage === null ? null : JSON.parse(row.usage),
      latencyMs: row.latency_ms,
      provider: row.provider,
      model: row.model,
      finishReason: row.finish_reason,
      error: row.error,
      requestId: row.request_id,
    }),
    costNanoUsd: row.cost_nano_usd,
    status: row.status,
    createdAt: new Date(row.created_at),
  }
}

function isConstraint(error: unknown, code: string): boolean {
  return (error as { code?: unknown }).code === code
}
