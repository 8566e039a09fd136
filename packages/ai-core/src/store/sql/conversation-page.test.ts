import { describe, expect, it } from 'vitest'
import { encodePageCursor } from '../kit/page-cursor.js'
import { conversationPageQuery, toConversationPage } from './conversation-page.js'
import type { ConversationRow } from './conversation-rows.js'
import { sqliteCodec } from './sqlite-codec.js'

describe('conversation pages', () => {
  const row = (id: string, at: number): ConversationRow => ({
    id,
    tenant_id: null,
    user_id: null,
    project_id: null,
    title: null,
    model: null,
    metadata: '{}',
    total_cost_nano_usd: 0,
    message_count: 0,
    created_at: at,
    updated_at: at,
  })

  it('asks for the filters set, newest first by default, after the cursor', () => {
    expect(conversationPageQuery({ userId: 'u' }, sqliteCodec)).toEqual({
      limit: 50,
      direction: 'DESC',
      filters: [['user_id', 'u']],
      includeArchived: false,
    })
    const cursor = encodePageCursor({ createdAt: new Date(5), id: 'c5' })
    expect(conversationPageQuery({ cursor, order: 'oldest', limit: 2 }, sqliteCodec)).toEqual({
      limit: 2,
      direction: 'ASC',
      filters: [],
      includeArchived: false,
      after: { created_at: 5, id: 'c5', comparison: '>' },
    })
  })

  it('lists archived conversations only when asked to', () => {
    expect(conversationPageQuery({ includeArchived: true }, sqliteCodec).includeArchived).toBe(true)
  })

  it('reads archived_at as archivedAt, and leaves it out when NULL', () => {
    expect(
      toConversationPage([{ ...row('a', 1), archived_at: 7 }], 2, sqliteCodec).items[0]?.archivedAt,
    ).toEqual(new Date(7))
    expect(
      toConversationPage([{ ...row('a', 1), archived_at: null }], 2, sqliteCodec).items[0],
    ).not.toHaveProperty('archivedAt')
  })

  it('returns a cursor only when a row past the page was fetched', () => {
    const page = toConversationPage([row('a', 1), row('b', 2), row('c', 3)], 2, sqliteCodec)
    expect(page.items.map((c) => c.id)).toEqual(['a', 'b'])
    expect(page.nextCursor).toBe(encodePageCursor({ createdAt: new Date(2), id: 'b' }))
    expect(toConversationPage([row('a', 1)], 2, sqliteCodec)).not.toHaveProperty('nextCursor')
  })
})
