import {
  createFakeServer,
  type FakeServer,
  fakeEmbedding,
  openaiChatProtocol,
  testContext,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { type EmbeddingUsageWire, openaiCompatibleEmbeddings } from './openai-compatible-embeddings.js'

let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function embeddingsOf(options?: Parameters<typeof openaiCompatibleEmbeddings>[1]) {
  server = await createFakeServer(openaiChatProtocol())
  const config = {
    id: 'compat',
    apiKey: 'sk-compat-test',
    apiKeyEnv: 'COMPAT_API_KEY',
    baseURL: `${server.url}/v1`,
  }
  return { server, ...openaiCompatibleEmbeddings(config, options) }
}

describe('openaiCompatibleEmbeddings', () => {
  it("reads the provider's reported cost from the usage with readCost", async () => {
    const seen: EmbeddingUsageWire[] = []
    const { server, embed, embeddingBatchSize } = await embeddingsOf({
      batchSize: 96,
      readCost: (usage) => {
        seen.push(usage)
        return typeof usage.cost === 'number' ? Math.round(usage.cost * 1e9) : undefined
      },
    })
    expect(embeddingBatchSize).toBe(96)
    server.enqueue({ costNanoUsd: 7_500 })
    const result = await embed(
      { model: 'text-embedding-3-small', input: ['a b', 'c'], dimensions: 3 },
      testContext(),
    )
    expect(result.embeddings).toEqual([fakeEmbedding('a b', 3), fakeEmbedding('c', 3)])
    expect(result.costNanoUsd).toBe(7_500)
    expect(seen[0]).toMatchObject({ prompt_tokens: result.usage?.inputTokens, cost: 0.0000075 })
  })

  it("has OpenAI's batch size and leaves the cost to the catalog without readCost", async () => {
    const { server, embed, embeddingBatchSize } = await embeddingsOf()
    expect(embeddingBatchSize).toBe(2048)
    server.enqueue({ costNanoUsd: 7_500 })
    const result = await embed({ model: 'text-embedding-3-small', input: ['x'] }, testContext())
    expect(result).not.toHaveProperty('costNanoUsd')
    expect(result.usage?.inputTokens).toBeGreaterThan(0)
  })
})
