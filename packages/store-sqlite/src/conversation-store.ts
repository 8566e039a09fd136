import {
  type ConversationRetention,
  type ConversationStore,
  type NewMessage,
  StoreError,
  type UserPreferences,
} from '@aimux/ai-core'
import {
  type ConversationRow,
  sqliteCodec as codec,
  conversationPageQuery,
  conversationsTable,
  conversationUpdate,
  type MessageRow,
  messagesTable,
  newConversationRow,
  newMessageRow,
  toConversation,
  toConversationPage,
  toMessage,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'
import { createStatementCache } from './statement-cache.js'

/** Who may see a conversation: `tenantId` null matches any. */
interface Scoped {
  id: string
  tenantId: string | null
}

/** Conversations, their messages and user preferences in SQLite. */
export function createConversationStore(db: Database): ConversationStore {
  const statement = createStatementCache(db)
  const insertConversation = db.prepare<ConversationRow, ConversationRow>(
    `${insertSql(conversationsTable)} RETURNING *`,
  )
  const selectConversation = db.prepare<Scoped, ConversationRow>(
    'SELECT * FROM conversations WHERE id = @id AND (@tenantId IS NULL OR tenant_id = @tenantId)',
  )
  const updateConversation = db.prepare<Record<string, unknown>, ConversationRow>(
    `UPDATE conversations SET
       title = CASE WHEN @set_title THEN @title ELSE title END,
       model = CASE WHEN @set_model THEN @model ELSE model END,
       metadata = coalesce(@metadata, metadata),
       updated_at = @updated_at
     WHERE id = @id AND (@tenantId IS NULL OR tenant_id = @tenantId)
     RETURNING *`,
  )
  const deleteConversation = db.prepare<Scoped>(
    'DELETE FROM conversations WHERE id = @id AND (@tenantId IS NULL OR tenant_id = @tenantId)',
  )
  // Retention: inactive since before @before, of tenant @tenantId, or of every tenant but those in
  // the JSON array @except (conversations without a tenant included).
  const retained = `updated_at < @before AND (@tenantId IS NULL OR tenant_id = @tenantId)
    AND (@tenantId IS NOT NULL OR tenant_id IS NULL OR tenant_id NOT IN (SELECT value FROM json_each(@except)))`
  const deleteRetained = db.prepare<Record<string, unknown>>(`DELETE FROM conversations WHERE ${retained}`)
  const archiveRetained = db.prepare<Record<string, unknown>>(
    `UPDATE conversations SET archived_at = @at WHERE archived_at IS NULL AND ${retained}`,
  )
  const retention = (r: ConversationRetention) => ({
    before: codec.date.write(r.before),
    tenantId: r.tenantId ?? null,
    except: JSON.stringify(r.exceptTenantIds ?? []),
  })
  const countMessage = db
    .prepare<{ id: string; cost: unknown; now: unknown }, number>(
      `UPDATE conversations SET message_count = message_count + 1,
       total_cost_nano_usd = total_cost_nano_usd + @cost, updated_at = @now
     WHERE id = @id RETURNING message_count`,
    )
    .pluck()
  const insertMessage = db.prepare<MessageRow, MessageRow>(`${insertSql(messagesTable)} RETURNING *`)
  const selectPreferences = db
    .prepare<{ tenantId: string; userId: string }, string>(
      'SELECT preferences FROM preferences WHERE tenant_id = @tenantId AND user_id = @userId',
    )
    .pluck()
  const upsertPreferences = db.prepare<{ tenantId: string; userId: string; preferences: unknown }>(
    `INSERT INTO preferences (tenant_id, user_id, preferences) VALUES (@tenantId, @userId, @preferences)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET preferences = excluded.preferences`,
  )

  /** Counts the message on its conversation and inserts it with the next seq, all or nothing. */
  const append = db.transaction((input: NewMessage) => {
    const now = new Date()
    const row = newMessageRow(input, now, codec)
    const seq = countMessage.get({
      id: input.conversationId,
      cost: row.cost_nano_usd,
      now: codec.date.write(now),
    })
    if (seq === undefined) throw new StoreError(`conversation ${input.conversationId} not found`)
    try {
      return toMessage(insertMessage.get({ ...row, seq })!, codec)
    } catch (error) {
      if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY'))
        throw new StoreError(`message ${input.id} already exists`, { cause: error })
      throw error
    }
  })

  return {
    async createConversation(input) {
      try {
        return toConversation(insertConversation.get(newConversationRow(input, new Date(), codec))!, codec)
      } catch (error) {
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY'))
          throw new StoreError(`conversation ${input.id} already exists`, { cause: error })
        throw error
      }
    },

    async getConversation(id, filter = {}) {
      const row = selectConversation.get({ id, tenantId: filter.tenantId ?? null })
      return row && toConversation(row, codec)
    },

    async updateConversation(id, patch, filter = {}) {
      const update = conversationUpdate(patch, new Date(), codec)
      const row = updateConversation.get({ id, tenantId: filter.tenantId ?? null, ...update })
      if (!row) throw new StoreError(`conversation ${id} not found`)
      return toConversation(row, codec)
    },

    async listConversations(query) {
      const { limit, direction, filters, after, includeArchived } = conversationPageQuery(query, codec)
      const where = filters.map(([column]) => `${column} = @${column}`)
      if (!includeArchived) where.push('archived_at IS NULL')
      const params: Record<string, unknown> = { ...Object.fromEntries(filters), limit: limit + 1 }
      if (after) {
        where.push(`(created_at, id) ${after.comparison} (@afterCreatedAt, @afterId)`)
        params.afterCreatedAt = after.created_at
        params.afterId = after.id
      }
      const rows = statement(
        `SELECT * FROM conversations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at ${direction}, id ${direction} LIMIT @limit`,
      ).all(params) as ConversationRow[]
      return toConversationPage(rows, limit, codec)
    },

    async deleteConversation(id, filter = {}) {
      return deleteConversation.run({ id, tenantId: filter.tenantId ?? null }).changes > 0
    },

    async deleteConversationsBefore(r) {
      // Messages go with their conversation: ON DELETE CASCADE.
      return deleteRetained.run(retention(r)).changes
    },

    async archiveConversationsBefore(r, at) {
      return archiveRetained.run({ ...retention(r), at: codec.date.write(at) }).changes
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
      return rows.map((row) => toMessage(row, codec))
    },

    async getPreferences({ tenantId = '', userId }) {
      const stored = selectPreferences.get({ tenantId, userId })
      return stored === undefined ? undefined : (codec.json.read(stored) as UserPreferences)
    },

    async setPreferences({ tenantId = '', userId }, preferences) {
      upsertPreferences.run({ tenantId, userId, preferences: codec.json.write(preferences) })
    },
  }
}

function isConstraint(error: unknown, code: string): boolean {
  return (error as { code?: unknown }).code === code
}
