import {
  type ConversationRetention,
  type ConversationStore,
  StoreError,
  type UserPreferences,
} from '@aimux/ai-core'
import {
  type ConversationRow,
  postgresCodec as codec,
  columnNames,
  columnValues,
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
import type { Pool } from 'pg'
import { hasSqlState, UNIQUE_VIOLATION } from './database-error.js'
import { insertSql, pgType } from './table-sql.js'

/** The columns of a message its parameters fill: all but seq, which the statement counts. */
const messageParams = columnNames(messagesTable).filter((column) => column !== 'seq')
const param = (column: (typeof messageParams)[number]) =>
  `$${messageParams.indexOf(column) + 1}::${pgType(messagesTable, column)}`

/**
 * Retention: inactive since before $1, of tenant $2, or of every tenant but those in $3
 * (conversations without a tenant included).
 */
const retained = `updated_at < $1 AND ($2::text IS NULL OR tenant_id = $2::text)
  AND ($2::text IS NOT NULL OR tenant_id IS NULL OR NOT (tenant_id = ANY ($3::text[])))`
const retention = (r: ConversationRetention) => [r.before, r.tenantId ?? null, [...(r.exceptTenantIds ?? [])]]

/** Conversations, their messages and user preferences in PostgreSQL (`s`: the quoted schema). */
export function createConversationStore(pool: Pool, s: string): ConversationStore {
  // One statement: the conversation row's lock orders concurrent appends, and seq is the count
  // it returns; a failed insert undoes the count. The last parameter is the time of the update.
  const appendMessage = `
    WITH counted AS (
      UPDATE ${s}.conversations SET message_count = message_count + 1,
        total_cost_nano_usd = total_cost_nano_usd + ${param('cost_nano_usd')},
        updated_at = $${messageParams.length + 1}::timestamptz
      WHERE id = ${param('conversation_id')} RETURNING message_count)
    INSERT INTO ${s}.messages (${columnNames(messagesTable).join(', ')})
    SELECT ${columnNames(messagesTable)
      .map((column) => (column === 'seq' ? 'message_count' : param(column)))
      .join(', ')}
    FROM counted
    RETURNING *`

  return {
    async createConversation(input) {
      const row = newConversationRow(input, new Date(), codec)
      try {
        const { rows } = await pool.query<ConversationRow>(
          `${insertSql(s, conversationsTable)} RETURNING *`,
          columnValues(conversationsTable, row),
        )
        return toConversation(rows[0]!, codec)
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
      return rows[0] && toConversation(rows[0], codec)
    },

    async updateConversation(id, patch, filter = {}) {
      const u = conversationUpdate(patch, new Date(), codec)
      const { rows } = await pool.query<ConversationRow>(
        `UPDATE ${s}.conversations SET
           title = CASE WHEN $3::boolean THEN $4::text ELSE title END,
           model = CASE WHEN $5::boolean THEN $6::text ELSE model END,
           metadata = coalesce($7::jsonb, metadata),
           updated_at = $8
         WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2::text)
         RETURNING *`,
        [id, filter.tenantId ?? null, u.set_title, u.title, u.set_model, u.model, u.metadata, u.updated_at],
      )
      if (!rows[0]) throw new StoreError(`conversation ${id} not found`)
      return toConversation(rows[0], codec)
    },

    async listConversations(query) {
      const { limit, direction, filters, after, includeArchived } = conversationPageQuery(query, codec)
      const params: unknown[] = []
      const where = filters.map(([column, value]) => `${column} = $${params.push(value)}`)
      if (!includeArchived) where.push('archived_at IS NULL')
      if (after) {
        params.push(after.created_at, after.id)
        where.push(`(created_at, id) ${after.comparison} ($${params.length - 1}, $${params.length})`)
      }
      params.push(limit + 1)
      const { rows } = await pool.query<ConversationRow>(
        `SELECT * FROM ${s}.conversations ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at ${direction}, id ${direction} LIMIT $${params.length}`,
        params,
      )
      return toConversationPage(rows, limit, codec)
    },

    async deleteConversationsBefore(r) {
      // Messages go with their conversation: ON DELETE CASCADE.
      const { rowCount } = await pool.query(`DELETE FROM ${s}.conversations WHERE ${retained}`, retention(r))
      return rowCount ?? 0
    },

    async archiveConversationsBefore(r, at) {
      const { rowCount } = await pool.query(
        `UPDATE ${s}.conversations SET archived_at = $4 WHERE archived_at IS NULL AND ${retained}`,
        [...retention(r), at],
      )
      return rowCount ?? 0
    },

    async deleteConversation(id, filter = {}) {
      const { rowCount } = await pool.query(
        `DELETE FROM ${s}.conversations WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2::text)`,
        [id, filter.tenantId ?? null],
      )
      return rowCount! > 0
    },

    async appendMessage(input) {
      const now = new Date()
      const row = newMessageRow(input, now, codec)
      try {
        const { rows } = await pool.query<MessageRow>(appendMessage, [
          ...messageParams.map((column) => row[column]),
          codec.date.write(now),
        ])
        if (!rows[0]) throw new StoreError(`conversation ${input.conversationId} not found`)
        return toMessage(rows[0], codec)
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
      return rows.map((row) => toMessage(row, codec))
    },

    async getPreferences({ tenantId = '', userId }) {
      const { rows } = await pool.query<{ preferences: unknown }>(
        `SELECT preferences FROM ${s}.preferences WHERE tenant_id = $1 AND user_id = $2`,
        [tenantId, userId],
      )
      return rows[0] && (codec.json.read(rows[0].preferences) as UserPreferences)
    },

    async setPreferences({ tenantId = '', userId }, preferences) {
      await pool.query(
        `INSERT INTO ${s}.preferences (tenant_id, user_id, preferences) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET preferences = excluded.preferences`,
        [tenantId, userId, codec.json.write(preferences)],
      )
    },
  }
}
