import OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { xaiChatProtocol } from './xai-chat-protocol.js'

let server: FakeServer
let client: OpenAI
beforeEach(async () => {
  server = await createFakeServer(xaiChatProtocol())
  client = new OpenAI({ apiKey: 'xai-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
})
afterEach(() => server.close())

describe('xaiChatProtocol, read by the openai SDK', () => {
  it('counts reasoning outside completion_tokens and sends reasoning_content', async () => {
    server.enqueue({
      text: 'Blue.',
      reasoning: 'Rayleigh.',
      usage: { inputTokens: 218, cachedInputTokens: 192, outputTokens: 98, reasoningTokens: 82 },
    })
    const completion = await client.chat.completions.create({ model: 'grok-3-mini', messages: [] })
    expect(completion.choices[0]?.message).toMatchObject({ content: 'Blue.', reasoning_content: 'Rayleigh.' })
    expect(completion.usage).toMatchObject({
      prompt_tokens: 218,
      completion_tokens: 16,
      total_tokens: 316,
      prompt_tokens_details: { cached_tokens: 192 },
      completion_tokens_details: { reasoning_tokens: 82 },
    })
  })

  it('answers errors as xAI does: { code, error } with the message as a string', async () => {
    server.enqueue({ error: { status: 400, message: 'Incorrect API key provided: xa***st.' } })
    const error = await client.chat.completions
      .create({ model: 'grok-3-mini', messages: [] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toBe(
      'Incorrect API key provided: xa***st.',
    )
    const raw = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{}' })
    expect(await raw.json()).toEqual({
      code: 'Internal Server Error',
      error: 'fake xai-chat server has no scripted reply left for POST /v1/chat/completions',
    })
  })

  it('lists Grok models', async () => {
    const page = await client.models.list()
    expect(page.data.map((model) => model.id)).toEqual([
      'grok-4-1-fast-reasoning',
      'grok-4.20-0309-reasoning',
    ])
  })

  it('finishWithLastChunk: sends the last text with finish_reason', async () => {
    await server.close()
    server = await createFakeServer(xaiChatProtocol({ finishWithLastChunk: true }))
    client = new OpenAI({ apiKey: 'test', baseURL: `${server.url}/v1`, maxRetries: 0 })
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
