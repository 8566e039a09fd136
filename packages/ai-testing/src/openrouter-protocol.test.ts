import OpenAI from 'openai'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { openrouterProtocol } from './openrouter-protocol.js'

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
