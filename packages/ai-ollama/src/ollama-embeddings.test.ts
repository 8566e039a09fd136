import { createAI } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  fakeEmbedding,
  fakeTokenCount,
  ollamaProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { ollama } from './ollama.js'

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('ollama embeddings', () => {
  it('embeds through /api/embed in batches of the configured size, free of charge', async () => {
    server = await createFakeServer(ollamaProtocol())
    const ai = await createAI({
      plugins: [ollama({ host: server.url, embeddingBatchSize: 2, keepAlive: '1m' })],
      budgets: [{ scope: 'global', limitUsd: 1, period: 'day' }],
    })
    server.enqueue({}, {})
    const input = ['one', 'two', 'three']
    const res = await ai.embed({ model: 'ollama:nomic-embed-text', input, dimensions: 16 })
    expect(server.requests.map((r) => r.body)).toEqual([
      { model: 'nomic-embed-text', input: ['one', 'two'], dimensions: 16, keep_alive: '1m' },
      { model: 'nomic-embed-text', input: ['three'], dimensions: 16, keep_alive: '1m' },
    ])
    expect(res.embeddings).toEqual(input.map((text) => fakeEmbedding(text, 16)))
    expect(res.usage.inputTokens).toBe(input.reduce((sum, text) => sum + fakeTokenCount(text), 0))
    expect(res.cost).toMatchObject({ nanoUsd: 0, source: 'catalog' })
    await ai.close()
  })

  it("maps Ollama's 404 for a model not pulled to a non-retryable error", async () => {
    server = await createFakeServer(ollamaProtocol())
    const ai = await createAI({ plugins: [ollama({ host: server.url })] })
    server.enqueue({})
    await expect(ai.embed({ model: 'ollama:llama3.2', input: 'x' })).rejects.toMatchObject({
      status: 404,
      retryable: false,
      message: expect.stringMatching(/not found/),
    })
    await ai.close()
  })
})
