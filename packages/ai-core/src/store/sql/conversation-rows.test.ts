import { describe, expect, it } from 'vitest'
import {
  type ConversationRow,
  conversationUpdate,
  newConversationRow,
  toConversation,
} from './conversation-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'

const now = new Date('2026-11-22T12:00:00.000Z')

describe('conversation rows', () => {
  it('writes a new conversation with nothing spent, in the driver representation', () => {
    expect(newConversationRow({ id: 'c1', userId: 'u1', metadata: { a: 1 } }, now, sqliteCodec)).toEqual({
      id: 'c1',
      tenant_id: null,
      user_id: 'u1',
      project_id: null,
      title: null,
      model: null,
      metadata: '{"a":1}',
      total_cost_nano_usd: 0,
      message_count: 0,
      created_at: now.getTime(),
      updated_at: now.getTime(),
      archived_at: null,
    })
    expect(newConversationRow({ id: 'c1' }, now, postgresCodec)).toMatchObject({
      metadata: '{}',
      created_at: now,
    })
  })

  it('reads a pg row (int8 as text, jsonb parsed, timestamptz as Date) leaving NULL fields out', () => {
    const row: ConversationRow = {
      id: 'c1',
      tenant_id: 't1',
      user_id: null,
      project_id: null,
      title: 'Support',
      model: null,
      metadata: { a: 1 },
      total_cost_nano_usd: '9000000007',
      message_count: 2,
      created_at: now,
      updated_at: now,
    }
    expect(toConversation(row, postgresCodec)).toEqual({
      id: 'c1',
      tenantId: 't1',
      title: 'Support',
      metadata: { a: 1 },
      totalCostNanoUsd: 9_000_000_007,
      messageCount: 2,
      createdAt: now,
      updatedAt: now,
    })
  })

  it('says which fields an update sets: undefined keeps, null clears', () => {
    expect(conversationUpdate({ title: null }, now, sqliteCodec)).toEqual({
      set_title: 1,
      title: null,
      set_model: 0,
      model: null,
      metadata: null,
      updated_at: now.getTime(),
    })
    expect(conversationUpdate({ model: 'p:m', metadata: {} }, now, postgresCodec)).toEqual({
      set_title: false,
      title: null,
      set_model: true,
      model: 'p:m',
      metadata: '{}',
      updated_at: now,
    })
  })
})
