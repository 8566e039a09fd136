import OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fakeEmbedding } from './fake-embedding.js'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { fakeTokenCount } from './fake-token-count.js'
import { OPENROUTER_EMBEDDING_MODELS, openrouterProtocol } from './openrouter-protocol.js'

let server: FakeServer
let client: OpenAI
beforeEach(async () => {
  server = await createFakeServer(openrouterProtocol())
  client = new OpenAI({ apiKey: 'sk-or-test', baseURL: `${server.url}/api/v1`, maxRetries: 0 })
})
afterEach(() => server.close())

describe('openrouterProtocol, read by the openai SDK', () => {
  it('answers after keep-alive whitespace with the reasoning field and the cost in USD', async () => {
    server.enqueue({
      text: 'Hi',
      reasoning: 'Greet.',
      usage: { inputTokens: 229, outputTokens: 201 },
      costNanoUsd: 2_296_250,
    })
    const completion = await client.chat.completions.create({ model: 'openai/gpt-5', messages: [] })
    expect(completion.choices[0]?.message).toMatchObject({ content: 'Hi', reasoning: 'Greet.' })
    expect(completion.usage).toMatchObject({ prompt_tokens: 229, completion_tokens: 201, cost: 0.00229625 })
    expect(server.requests[0]?.path).toBe('/api/v1/chat/completions')
  })

  it('streams after keep-alive comments, which the SDK skips', async () => {
    server.enqueue({ chunks: ['Hel', 'lo'] })
    const stream = await client.chat.completions.create({ model: 'openai/gpt-5', messages: [], stream: true })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Hello')
  })

  it('answers errors with the status as the numeric code', async () => {
    server.enqueue({ error: { status: 402, message: 'Insufficient credits' } })
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-5', messages: [] })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 402, error: { code: 402, message: 'Insufficient credits' } })
  })

  it('lists models with per-token price strings, and the key', async () => {
    const models = (await fetch(`${server.url}/api/v1/models`).then((response) => response.json())) as {
      data: Record<string, unknown>[]
    }
    expect(models.data[0]).toMatchObject({
      id: 'openai/gpt-4o-mini',
      pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075' },
    })
    expect(await client.get('/key')).toMatchObject({ data: { limit: null, is_free_tier: false } })
  })

  it('finishWithLastChunk: sends the last text with finish_reason', async () => {
    await server.close()
    server = await createFakeServer(openrouterProtocol({ finishWithLastChunk: true }))
    client = new OpenAI({ apiKey: 'test', baseURL: `${server.url}/api/v1`, maxRetries: 0 })
    server.enqueue({ chunks: ['Hel', 'lo'] })
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true })
    const chunks: [string | null | undefined, string | null | undefined][] = []
    for await (const chunk of stream)
      chunks.push([chunk.choices[0]?.delta.content, chunk.choices[0]?.finish_reason])
    expect(chunks.slice(-2)).toEqual([
      ['Hel', null],
      ['lo', 'stop'],
    ])
  })
})

describe('openrouterProtocol embeddings, read by the openai SDK', () => {
  it("embeds with OpenRouter's model ids under /api/v1, the scripted cost as usage.cost in USD", async () => {
    server.enqueue({ costNanoUsd: 1_234 })
    const input = ['Hello, world!', 'two words']
    const response = await client.embeddings.create({
      model: 'qwen/qwen3-embedding-8b',
      input,
      dimensions: 8,
      encoding_format: 'float',
    })
    expect(server.requests[0]?.path).toBe('/api/v1/embeddings')
    expect(response.data.map((d) => d.embedding)).toEqual(input.map((text) => fakeEmbedding(text, 8)))
    const tokens = fakeTokenCount(input[0]!) + fakeTokenCount(input[1]!)
    expect(response.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens, cost: 0.000001234 })
    expect(response.model).toBe('qwen/qwen3-embedding-8b')
  })

  it('reports no cost unless scripted, and refuses an unknown model with its error body', async () => {
    server.enqueue({}, {})
    const response = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'x' })
    expect(response.usage).not.toHaveProperty('cost')
    expect(response.data[0]?.embedding).toHaveLength(
      OPENROUTER_EMBEDDING_MODELS['openai/text-embedding-3-small']!.dimensions,
    )
    const error = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'x' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      status: 404,
      error: { code: 404, message: expect.stringContaining('text-embedding-3-small') },
    })
  })
})

describe('openrouterProtocol({ reasoningDetails: true }), as an Anthropic reasoning model behind OpenRouter', () => {
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
  ]
  const ask: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Oslo?' }
  type Details = { type: string; text?: string; signature?: string; format: string; index: number }[]

  beforeEach(async () => {
    await server.close()
    server = await createFakeServer(openrouterProtocol({ reasoningDetails: true }))
    client = new OpenAI({ apiKey: 'sk-or-test', baseURL: `${server.url}/api/v1`, maxRetries: 0 })
  })

  /** Step 1: reasoning and a tool call; returns the assistant message as the SDK read it. */
  async function firstStep() {
    server.enqueue({ reasoning: 'Look it up.', toolCalls: [{ id: 'call_1', name: 'get_weather', args: {} }] })
    const completion = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4.5',
      messages: [ask],
      tools,
    })
    return completion.choices[0]?.message as OpenAI.Chat.ChatCompletionMessage & {
      reasoning_details: Details
    }
  }

  const history = (message: OpenAI.Chat.ChatCompletionMessage, details?: unknown) =>
    [
      ask,
      {
        role: 'assistant',
        content: null,
        tool_calls: message.tool_calls,
        ...(details === undefined ? {} : { reasoning_details: details }),
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":4}' },
    ] as OpenAI.Chat.ChatCompletionMessageParam[]

  it('sends the reasoning as one signed reasoning.text block beside the reasoning field', async () => {
    const message = await firstStep()
    expect(message.reasoning_details).toEqual([
      {
        type: 'reasoning.text',
        text: 'Look it up.',
        signature: expect.any(String),
        format: 'anthropic-claude-v1',
        index: 0,
      },
    ])
    expect(message).toMatchObject({ reasoning: 'Look it up.' })
  })

  it('streams the block in pieces, the signature last in a piece of its own', async () => {
    server.enqueue({ reasoning: 'Look it up.', text: 'Cold.' })
    const stream = await client.chat.completions.create({ model: 'm', messages: [ask], stream: true })
    const pieces: Details = []
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_details?: Details } | undefined
      pieces.push(...(delta?.reasoning_details ?? []))
    }
    expect(pieces.map((piece) => piece.text).join('')).toBe('Look it up.')
    expect(pieces.length).toBeGreaterThan(2)
    expect(pieces.slice(0, -1).every((piece) => piece.signature === undefined && piece.index === 0)).toBe(
      true,
    )
    expect(pieces.at(-1)).toMatchObject({ text: '', signature: expect.any(String), index: 0 })
  })

  it('takes the next step when its assistant message carries the details back unchanged', async () => {
    const message = await firstStep()
    server.enqueue({ text: 'Cold: 4 °C.' })
    const next = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4.5',
      messages: history(message, message.reasoning_details),
      tools,
    })
    expect(next.choices[0]?.message.content).toBe('Cold: 4 °C.')
  })

  it('answers 400 with OpenRouter’s error body when they are missing or changed', async () => {
    const message = await firstStep()
    server.enqueue({ text: 'unused' }, { text: 'unused' })
    const refused = (details?: unknown) =>
      client.chat.completions
        .create({ model: 'anthropic/claude-sonnet-4.5', messages: history(message, details), tools })
        .catch((e: unknown) => e)
    const missing = await refused()
    expect(missing).toMatchObject({
      status: 400,
      error: { code: 400, message: 'Provider returned error', metadata: { provider_name: 'Anthropic' } },
    })
    expect(JSON.stringify(missing)).toContain('Expected `thinking`')
    const changed = [{ ...message.reasoning_details[0], signature: 'forged' }]
    expect(JSON.stringify(await refused(changed))).toContain('Invalid `signature`')
  })
})
