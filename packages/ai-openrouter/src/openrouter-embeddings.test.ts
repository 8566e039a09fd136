import { createAI, QuotaExceededError } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  fakeEmbedding,
  fakeTokenCount,
  openrouterProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { openrouter } from './openrouter.js'

const apiKey = 'sk-or-v1-test0123456789abcdef'
let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup() {
  server = await createFakeServer(openrouterProtocol())
  const ai = await createAI({
    plugins: [openrouter({ apiKey, baseURL: `${server.url}/api/v1`, appName: 'aimux tests' })],
  })
  return { ai, server }
}

const tokensOf = (input: string[]) => input.reduce((sum, text) => sum + fakeTokenCount(text), 0)

describe('openrouter embeddings', () => {
  it('embeds several texts over the wire: vectors in order, usage, the cost OpenRouter reported', async () => {
    const { ai, server } = await setup()
    // 0.000001234 USD: what OpenRouter charged, not the $0.02 per million of the built-in price.
    server.enqueue({ costNanoUsd: 1_234 })
    const input = ['The cat sat on the mat.', 'A dog in the fog.', 'The cat sat on the mat.']
    const res = await ai.embed({ model: 'openrouter:openai/text-embedding-3-small', input, dimensions: 64 })
    const request = server.requests[0]
    expect(request?.path).toBe('/api/v1/embeddings')
    expect(request?.headers['x-title']).toBe('aimux tests')
    expect(request?.body).toEqual({
      model: 'openai/text-embedding-3-small',
      input,
      dimensions: 64,
      encoding_format: 'base64',
    })
    expect(res.embeddings).toEqual(input.map((text) => fakeEmbedding(text, 64)))
    expect(res.usage).toEqual({ inputTokens: tokensOf(input) })
    expect(res.cost).toMatchObject({ nanoUsd: 1_234, source: 'provider' })
    expect(res).toMatchObject({ provider: 'openrouter', model: 'openai/text-embedding-3-small', batches: 1 })
    await ai.close()
  })

  it('prices a reply without a cost (or with a negative one) from the catalog', async () => {
    const { ai, server } = await setup()
    server.enqueue({}, { costNanoUsd: -5 })
    const input = ['Hello, world!', 'aimux embeds text']
    for (let i = 0; i < 2; i++) {
      const res = await ai.embed({ model: 'openrouter:qwen/qwen3-embedding-8b', input })
      expect(res.embeddings).toEqual(input.map((text) => fakeEmbedding(text, 4096)))
      // $0.01 per million tokens is 10 nano-USD a token.
      expect(res.cost).toMatchObject({ nanoUsd: tokensOf(input) * 10, source: 'catalog' })
    }
    await ai.close()
  })

  it('sends providerOptions.openrouter (routing preferences) with the request', async () => {
    const { ai, server } = await setup()
    server.enqueue({})
    await ai.embed({
      model: 'openrouter:openai/text-embedding-3-small',
      input: 'x',
      providerOptions: { openrouter: { provider: { order: ['openai'], allow_fallbacks: false } } },
    })
    expect(server.requests[0]?.body).toMatchObject({
      provider: { order: ['openai'], allow_fallbacks: false },
    })
    await ai.close()
  })

  it("maps OpenRouter's error body: a 402 is a QuotaExceededError, not retried, without the key", async () => {
    const { ai, server } = await setup()
    server.enqueue({ error: { status: 402, message: 'Insufficient credits' } })
    const error = await ai
      .embed({ model: 'openrouter:openai/text-embedding-3-small', input: 'x' })
      .catch((e: unknown) => e)
    expect(QuotaExceededError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 402, retryable: false, provider: 'openrouter' })
    expect((error as Error).message).toContain('Insufficient credits')
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(apiKey)
    expect(server.requests).toHaveLength(1)
    await ai.close()
  })

  it('fails an unknown embedding model with the 404 OpenRouter answered', async () => {
    const { ai, server } = await setup()
    server.enqueue({})
    await expect(
      ai.embed({ model: 'openrouter:openai/gpt-5', input: 'x', retry: false }),
    ).rejects.toMatchObject({ status: 404, message: expect.stringContaining('openai/gpt-5') })
    await ai.close()
  })
})
