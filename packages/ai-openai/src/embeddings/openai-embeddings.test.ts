import { createAI } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  fakeEmbedding,
  fakeTokenCount,
  openaiChatProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { openai } from '../openai.js'

const apiKey = 'sk-test-0123456789abcdef'
let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup() {
  server = await createFakeServer(openaiChatProtocol())
  const ai = await createAI({ plugins: [openai({ apiKey, baseURL: `${server.url}/v1` })] })
  return { ai, server }
}

describe('openai embeddings', () => {
  it('embeds over the wire: base64 decoded by the SDK, dimensions sent, cost at the built-in price', async () => {
    const { ai, server } = await setup()
    server.enqueue({})
    const input = ['Hello, world!', 'aimux embeds text']
    const res = await ai.embed({ model: 'openai:text-embedding-3-small', input, dimensions: 64 })
    expect(server.requests[0]?.body).toMatchObject({
      model: 'text-embedding-3-small',
      input,
      dimensions: 64,
      encoding_format: 'base64',
    })
    expect(res.embeddings).toEqual(input.map((text) => fakeEmbedding(text, 64)))
    const tokens = fakeTokenCount(input[0]!) + fakeTokenCount(input[1]!)
    expect(res.usage).toEqual({ inputTokens: tokens })
    // $0.02 per million tokens is 20 nano-USD a token.
    expect(res.cost).toMatchObject({ nanoUsd: tokens * 20, source: 'catalog' })
    await ai.close()
  })

  it('splits more than 2048 inputs into requests of 2048 and joins the vectors in order', async () => {
    const { ai, server } = await setup()
    server.enqueue({}, {})
    const input = Array.from({ length: 2050 }, (_, i) => `text ${i}`)
    const res = await ai.embed({ model: 'openai:text-embedding-3-large', input, dimensions: 2 })
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([2048, 2])
    expect(res.embeddings).toHaveLength(2050)
    expect(res.embeddings[2049]).toEqual(fakeEmbedding('text 2049', 2))
    expect(res.batches).toBe(2)
    // Two tokens a text ("text", the number) at $0.13 per million: 130 nano-USD a token.
    expect(res.cost.nanoUsd).toBe(2050 * 2 * 130)
    await ai.close()
  })

  it('retries a 429 after its Retry-After, and a 400 (dimensions on ada-002) fails without a retry', async () => {
    const { ai, server } = await setup()
    server.enqueue({ error: { status: 429, retryAfterMs: 10 } }, {})
    const res = await ai.embed({
      model: 'openai:text-embedding-3-small',
      input: 'x',
      retry: { baseDelayMs: 1 },
    })
    expect(res.embeddings).toHaveLength(1)
    expect(server.requests).toHaveLength(2)
    server.enqueue({})
    await expect(
      ai.embed({ model: 'openai:text-embedding-ada-002', input: 'x', dimensions: 8 }),
    ).rejects.toMatchObject({ status: 400, retryable: false, message: expect.stringMatching(/dimensions/) })
    await ai.close()
  })
})
