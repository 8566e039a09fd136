import type { ConversationRecord, MessageRecord } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { exportConversation } from './conversation-export.js'

const at = new Date('2026-11-22T10:00:00.000Z')
const record: ConversationRecord = {
  id: 'c1',
  userId: 'u1',
  title: 'Weather',
  model: 'openai:gpt-4o-mini',
  metadata: {},
  totalCostNanoUsd: 12_300,
  messageCount: 5,
  createdAt: at,
  updatedAt: at,
}
const message = (seq: number, fields: Partial<MessageRecord>): MessageRecord => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  role: 'user',
  content: [],
  costNanoUsd: 0,
  status: 'complete',
  createdAt: at,
  ...fields,
})
const messages = [
  message(1, { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }),
  message(2, { content: [{ type: 'text', text: 'Weather in Paris?' }] }),
  message(3, {
    role: 'assistant',
    provider: 'openai',
    model: 'gpt-4o-mini',
    costNanoUsd: 12_300,
    content: [{ type: 'tool-call', id: 't1', name: 'weather', args: { city: 'Paris' } }],
  }),
  message(4, {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'weather', result: { c: 18 } }],
  }),
  message(5, {
    role: 'assistant',
    status: 'partial',
    content: [{ type: 'text', text: 'It is 18' }],
    error: 'aborted: the caller stopped the stream',
  }),
]

describe('exportConversation', () => {
  it('writes Markdown: the facts, then each message under its role, model and cost', () => {
    expect(exportConversation(record, messages, 'md')).toBe(
      [
        '# Weather',
        '',
        '- id: `c1`',
        '- user: u1',
        '- model: openai:gpt-4o-mini',
        '- created: 2026-11-22T10:00:00.000Z',
        '- messages: 5',
        '- cost: $0.0000123',
        '',
        '## System',
        '',
        'Be brief.',
        '',
        '## User',
        '',
        'Weather in Paris?',
        '',
        '## Assistant · openai:gpt-4o-mini · $0.0000123',
        '',
        'Tool call `weather`:',
        '',
        '```json',
        '{',
        '  "city": "Paris"',
        '}',
        '```',
        '',
        '## Tool',
        '',
        'Result of `weather`:',
        '',
        '```json',
        '{',
        '  "c": 18',
        '}',
        '```',
        '',
        '## Assistant · partial',
        '',
        'It is 18',
        '',
        '_aborted: the caller stopped the stream_',
        '',
      ].join('\n'),
    )
  })

  it('writes JSON with the record and every message, dates as ISO strings', () => {
    const parsed = JSON.parse(exportConversation(record, messages, 'json'))
    expect(parsed.conversation).toEqual({
      ...record,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    })
    expect(parsed.messages).toHaveLength(5)
    expect(parsed.messages[2].content[0]).toEqual({
      type: 'tool-call',
      id: 't1',
      name: 'weather',
      args: { city: 'Paris' },
    })
  })
})
