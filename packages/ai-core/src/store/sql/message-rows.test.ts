import { describe, expect, it } from 'vitest'
import { newMessageRow, toMessage } from './message-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'

const now = new Date('2026-11-22T12:00:00.000Z')

describe('message rows', () => {
  it('writes a message with its defaults and its image bytes as base64, and reads it back', () => {
    const row = newMessageRow(
      {
        id: 'm1',
        conversationId: 'c1',
        role: 'user',
        content: [{ type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/png' }],
      },
      now,
      sqliteCodec,
    )
    expect(row).toMatchObject({
      cost_nano_usd: 0,
      status: 'complete',
      usage: null,
      created_at: now.getTime(),
    })
    expect(toMessage({ ...row, seq: 1 }, sqliteCodec)).toEqual({
      id: 'm1',
      conversationId: 'c1',
      seq: 1,
      role: 'user',
      content: [{ type: 'image', image: 'AQID', mediaType: 'image/png' }],
      costNanoUsd: 0,
      status: 'complete',
      createdAt: now,
    })
  })

  it('reads a pg row with its usage parsed and its cost as text', () => {
    const usage = {
      inputTokens: 1,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 2,
      reasoningTokens: 0,
      totalTokens: 3,
    }
    const row = {
      ...newMessageRow({ id: 'm', conversationId: 'c', role: 'assistant', content: [] }, now, postgresCodec),
      seq: 4,
      content: [{ type: 'text', text: 'hi' }],
      usage,
      cost_nano_usd: '12',
      finish_reason: 'stop' as const,
    }
    expect(toMessage(row, postgresCodec)).toMatchObject({
      seq: 4,
      usage,
      costNanoUsd: 12,
      finishReason: 'stop',
    })
  })
})
