import type { ConversationRecord, ConversationStore, Page } from '../conversation-store.js'
import { decodePageCursor, encodePageCursor } from '../kit/page-cursor.js'
import { DEFAULT_CONVERSATION_PAGE_SIZE } from '../kit/store-defaults.js'
import { type ConversationRow, toConversation } from './conversation-rows.js'
import type { SqlCodec, SqlDate } from './sql-codec.js'

/**
 * What a page of conversations asks of the database: rows matching `filters`, after the cursor's
 * position, ordered by (created_at, id) in `direction`, at most `limit + 1` of them (the one past
 * the page says whether another follows).
 */
export interface ConversationPageQuery {
  limit: number
  direction: 'ASC' | 'DESC'
  /** The filters the query sets, as [column, value]. */
  filters: [column: 'tenant_id' | 'user_id' | 'project_id', value: string][]
  /** Whether archived conversations are listed too; else the query adds `archived_at IS NULL`. */
  includeArchived: boolean
  /** Where the previous page ended: rows whose (created_at, id) compare `after.comparison` it. */
  after?: { created_at: SqlDate; id: string; comparison: '>' | '<' }
}

export function conversationPageQuery(
  query: Parameters<ConversationStore['listConversations']>[0],
  codec: SqlCodec,
): ConversationPageQuery {
  const direction = query.order === 'oldest' ? 'ASC' : 'DESC'
  const filters: ConversationPageQuery['filters'] = []
  if (query.tenantId !== undefined) filters.push(['tenant_id', query.tenantId])
  if (query.userId !== undefined) filters.push(['user_id', query.userId])
  if (query.projectId !== undefined) filters.push(['project_id', query.projectId])
  const page: ConversationPageQuery = {
    limit: query.limit ?? DEFAULT_CONVERSATION_PAGE_SIZE,
    direction,
    filters,
    includeArchived: query.includeArchived === true,
  }
  if (query.cursor !== undefined) {
    const after = decodePageCursor(query.cursor)
    page.after = {
      created_at: codec.date.write(after.createdAt),
      id: after.id,
      comparison: direction === 'ASC' ? '>' : '<',
    }
  }
  return page
}

/** The page of the first `limit` rows, with a cursor when the query fetched one row more. */
export function toConversationPage(
  rows: readonly ConversationRow[],
  limit: number,
  codec: SqlCodec,
): Page<ConversationRecord> {
  const items = rows.slice(0, limit).map((row) => toConversation(row, codec))
  const last = items.at(-1)
  return rows.length > limit && last ? { items, nextCursor: encodePageCursor(last) } : { items }
}
