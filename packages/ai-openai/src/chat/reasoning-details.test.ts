import type { ProviderAdapter, ProviderRequest, ProviderStreamPart } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, openrouterProtocol, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createOpenAICompatibleAdapter } from './openai-chat.js'
import { createReasoningDetailsAssembler } from './reasoning-details.js'

describe('createReasoningDetailsAssembler', () => {
  it('merges streamed pieces by index: text, summary and data joined, the signature and id from the piece that has them', () => {
    const details = createReasoningDetailsAssembler()
    details.add([{ type: 'reasoning.text', text: 'Look ', format: 'anthropic-claude-v1', index: 0 }])
    details.add([{ type: 'reasoning.text', text: 'it up.', format: 'anthropic-claude-v1', index: 0 }])
    details.add([
      { type: 'reasoning.text', text: '', signature: 'c2ln', format: 'anthropic-claude-v1', index: 0 },
    ])
    details.add([
      { type: 'reasoning.summary', summary: 'Checking', format: 'openai-responses-v1', index: 1 },
      { type: 'reasoning.summary', summary: ' the map', format: 'openai-responses-v1', index: 1, id: 'rs_1' },
      { type: 'reasoning.encrypted', data: 'gAAA', format: 'openai-responses-v1', index: 2, id: 'rs_1' },
    ])
    expect(details.details()).toEqual([
      {
        type: 'reasoning.text',
        text: 'Look it up.',
        signature: 'c2ln',
        format: 'anthropic-claude-v1',
        index: 0,
      },
      {
        type: 'reasoning.summary',
        summary: 'Checking the map',
        format: 'openai-responses-v1',
        index: 1,
        id: 'rs_1',
      },
      { type: 'reasoning.encrypted', data: 'gAAA', format: 'openai-responses-v1', index: 2, id: 'rs_1' },
    ])
  })

  it('has nothing when no piece came', () => {
    expect(createReasoningDetailsAssembler().details()).toBeUndefined()
  })
})

const tools = [{ name: 'get_weather', parameters: { type: 'object' } }]
const question = { role: 'user', content: 'Weather in Oslo?' } as const
const signed = [
  {
    type: 'reasoning.text',
    text: 'Look it up.',
    signature: 'c2lnbmVk',
    format: 'anthropic-claude-v1',
    index: 0,
  },
]
/** A history whose assistant turn carries reasoning details under `openrouter`, as the OpenRouter adapter keeps them. */
const history: ProviderRequest['messages'] = [
  question,
  {
    role: 'assistant',
    content: [
      {
        type: 'reasoning',
        text: 'Look it up.',
        providerMetadata: { openrouter: { reasoningDetails: signed } },
      },
      { type: 'tool-call', id: 'call_1', name: 'get_weather', args: {} },
    ],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', result: 4 }],
  },
]

async function collect(stream: AsyncIterable<ProviderStreamPart>) {
  const parts: ProviderStreamPart[] = []
  for await (const part of stream) parts.push(part)
  return parts
}

let server: FakeServer
let plain: ProviderAdapter
let keeping: ProviderAdapter
beforeEach(async () => {
  // A server that sends reasoning_details, as OpenRouter does.
  server = await createFakeServer(openrouterProtocol({ reasoningDetails: true, keepAlive: 0 }))
  const baseURL = `${server.url}/v1`
  plain = createOpenAICompatibleAdapter({ id: 'acme', apiKey: 'sk-acme', apiKeyEnv: 'ACME_API_KEY', baseURL })
  keeping = createOpenAICompatibleAdapter({
    id: 'acme',
    apiKey: 'sk-acme',
    apiKeyEnv: 'ACME_API_KEY',
    baseURL,
    reasoningDetails: { metadataKey: 'acme' },
  })
})
afterEach(() => server.close())

describe('an OpenAI-compatible adapter without the reasoningDetails option', () => {
  it('sends no reasoning_details, even for a history that carries some', async () => {
    server.enqueue({ text: 'Cold.' })
    await plain.generate({ model: 'm', messages: history, tools }, testContext())
    const sent = server.requests[0]?.body as { messages: Record<string, unknown>[] }
    expect(sent.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    })
    expect(JSON.stringify(sent)).not.toContain('reasoning_details')
  })

  it('keeps no reasoning details from a reply or a stream that has them', async () => {
    server.enqueue({ reasoning: 'Look it up.', text: 'Cold.' }, { reasoning: 'Look it up.', text: 'Cold.' })
    const result = await plain.generate({ model: 'm', messages: [question] }, testContext())
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Look it up.' },
      { type: 'text', text: 'Cold.' },
    ])
    const parts = await collect(plain.stream({ model: 'm', messages: [question] }, testContext()))
    expect(parts.some((part) => part.type === 'reasoning-delta' && part.providerMetadata)).toBe(false)
  })
})

describe('an OpenAI-compatible adapter with reasoningDetails: { metadataKey }', () => {
  it('keeps a reply’s reasoning_details on its reasoning part, under the key', async () => {
    server.enqueue({ reasoning: 'Look it up.', toolCalls: [{ id: 'call_1', name: 'get_weather', args: {} }] })
    const result = await keeping.generate({ model: 'm', messages: [question], tools }, testContext())
    expect(result.content[0]).toEqual({
      type: 'reasoning',
      text: 'Look it up.',
      providerMetadata: {
        acme: {
          reasoningDetails: [
            {
              type: 'reasoning.text',
              text: 'Look it up.',
              signature: expect.any(String),
              format: 'anthropic-claude-v1',
              index: 0,
            },
          ],
        },
      },
    })
  })

  it('yields a stream’s merged details on a reasoning delta without text, before the tool calls', async () => {
    server.enqueue({ reasoning: 'Look it up.', toolCalls: [{ id: 'call_1', name: 'get_weather', args: {} }] })
    const parts = await collect(keeping.stream({ model: 'm', messages: [question], tools }, testContext()))
    const kept = parts.findIndex((part) => part.type === 'reasoning-delta' && part.providerMetadata)
    expect(parts[kept]).toEqual({
      type: 'reasoning-delta',
      text: '',
      providerMetadata: {
        acme: {
          reasoningDetails: [
            {
              type: 'reasoning.text',
              text: 'Look it up.',
              signature: expect.any(String),
              format: 'anthropic-claude-v1',
              index: 0,
            },
          ],
        },
      },
    })
    expect(parts[kept + 1]?.type).toBe('tool-call')
  })

  it('sends details kept under its own key back on their assistant message, and no others', async () => {
    server.enqueue({ text: 'Cold.' })
    const encrypted = [
      { type: 'reasoning.encrypted', data: 'gAAAAB', format: 'openai-responses-v1', index: 0 },
    ]
    const own: ProviderRequest['messages'] = history.map((message) =>
      message.role === 'assistant' && typeof message.content !== 'string'
        ? {
            ...message,
            content: [
              { type: 'reasoning', text: '', providerMetadata: { acme: { reasoningDetails: encrypted } } },
              ...message.content,
            ],
          }
        : message,
    )
    await keeping.generate({ model: 'm', messages: own, tools }, testContext())
    const sent = server.requests[0]?.body as { messages: Record<string, unknown>[] }
    expect(sent.messages[1]?.reasoning_details).toEqual(encrypted)
  })
})
