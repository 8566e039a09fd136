import { createAI } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, fakeEmbedding, geminiProtocol } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { gemini } from './gemini.js'

const apiKey = 'AIzaSyEmbeddings0123456789abcdefghijklmn'
let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('gemini embeddings', () => {
  it('embeds through batchEmbedContents in batches of 100, the cost an estimate since the API reports no tokens', async () => {
    server = await createFakeServer(geminiProtocol())
    const ai = await createAI({ plugins: [gemini({ apiKey, baseURL: server.url })] })
    server.enqueue({}, {})
    const input = Array.from({ length: 101 }, (_, i) => `document number ${i}`)
    const res = await ai.embed({
      model: 'gemini:gemini-embedding-001',
      input,
      dimensions: 8,
      providerOptions: { gemini: { taskType: 'RETRIEVAL_DOCUMENT' } },
    })
    expect(server.requests.map((r) => r.path)).toEqual([
      '/v1/models/gemini-embedding-001:batchEmbedContents',
      '/v1/models/gemini-embedding-001:batchEmbedContents',
    ])
    const first = server.requests[0]!.body as { requests: Record<string, unknown>[] }
    expect(first.requests).toHaveLength(100)
    expect(first.requests[0]).toEqual({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'document number 0' }], role: 'user' },
      taskType: 'RETRIEVAL_DOCUMENT',
      outputDimensionality: 8,
    })
    expect(res.embeddings).toEqual(input.map((text) => fakeEmbedding(text, 8)))
    expect(res.cost).toMatchObject({ source: 'unknown', estimated: true })
    // Four characters a token plus four for framing, at $0.15 per million (150 nano-USD a token).
    const tokens = input.reduce((sum, text) => sum + Math.ceil(text.length / 4) + 4, 0)
    expect(res.usage.inputTokens).toBe(tokens)
    expect(res.cost.nanoUsd).toBe(tokens * 150)
    await ai.close()
  })

  it('maps an unknown model to a non-retryable error', async () => {
    server = await createFakeServer(geminiProtocol())
    const ai = await createAI({ plugins: [gemini({ apiKey, baseURL: server.url })] })
    server.enqueue({})
    await expect(ai.embed({ model: 'gemini:nope', input: 'x' })).rejects.toMatchObject({
      status: 404,
      retryable: false,
    })
    await ai.close()
  })
})
