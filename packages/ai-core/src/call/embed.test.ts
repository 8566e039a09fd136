import { describe, expect, it } from 'vitest'
import { ConnectionError, RateLimitError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import { definePlugin } from '../instance/plugin.js'
import type { ProviderEmbeddingRequest, ProviderEmbeddingResult } from '../spec/embedding.js'
import { defineProvider } from '../spec/provider.js'

/** A vector that says which text it is for: [length of the text, its first char code]. */
const vectorOf = (text: string) => [text.length, text.charCodeAt(0) || 0]

interface FakeOptions {
  id?: string
  batchSize?: number
  /** Thrown, in order, by the first calls; then the calls answer. */
  failures?: unknown[]
  /** When false, the fake reports no usage (as Gemini's embedContent does). */
  reportsUsage?: boolean
}

function embeddingProvider(options: FakeOptions = {}) {
  const calls: ProviderEmbeddingRequest[] = []
  const failures = [...(options.failures ?? [])]
  const id = options.id ?? 'emb'
  const provider = defineProvider({
    id,
    generate: async () => {
      throw new Error('not a chat model')
    },
    embeddingBatchSize: options.batchSize ?? 3,
    async embed(request) {
      calls.push(request)
      const failure = failures.shift()
      if (failure) throw failure
      const result: ProviderEmbeddingResult = { embeddings: request.input.map(vectorOf) }
      // Ten tokens a text, so the sums are easy to check.
      if (options.reportsUsage !== false) result.usage = { inputTokens: request.input.length * 10 }
      return result
    },
  })
  const plugin = definePlugin({ name: id, setup: (host) => host.registerProvider(provider) })
  return { plugin, calls }
}

const prices = [
  { provider: 'emb', model: 'small', price: { input: 0.02, output: 0 } },
  { provider: 'emb', model: 'large', price: { input: 0.13, output: 0 } },
  { provider: 'other', model: 'vec', price: { input: 0.15, output: 0 } },
]
const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'ggggggg']

describe('ai.embed', () => {
  it('splits the inputs by the provider batch size and joins the vectors in order, usage and cost summed exactly', async () => {
    const fake = embeddingProvider()
    const ai = await createAI({ plugins: [fake.plugin], prices })
    const events: string[] = []
    ai.on('request', (e) => void events.push(`request ${e.operation} ${e.step}`))
    ai.on('cost', (e) => void events.push(`cost ${e.operation} ${e.cost.nanoUsd}`))

    const res = await ai.embed({
      model: 'emb:small',
      input: texts,
      dimensions: 256,
      scope: { userId: 'u1' },
      requestId: 'e1',
    })

    expect(fake.calls.map((c) => c.input)).toEqual([
      ['a', 'bb', 'ccc'],
      ['dddd', 'eeeee', 'ffffff'],
      ['ggggggg'],
    ])
    expect(fake.calls.every((c) => c.dimensions === 256 && c.model === 'small')).toBe(true)
    expect(res.embeddings).toEqual(texts.map(vectorOf))
    expect(res).toMatchObject({ provider: 'emb', model: 'small', requestId: 'e1', batches: 3 })
    expect(res.usage).toEqual({ inputTokens: 70 })
    // $0.02 per million tokens: 20 nano-USD a token.
    expect(res.cost).toMatchObject({ nanoUsd: 70 * 20, source: 'catalog' })
    await ai.flush()
    expect(events.filter((e) => e.startsWith('request')).sort()).toEqual([
      'request embed 1',
      'request embed 2',
      'request embed 3',
    ])
    expect(events.filter((e) => e.startsWith('cost')).sort()).toEqual([
      'cost embed 200',
      'cost embed 600',
      'cost embed 600',
    ])
    expect(await ai.usage.get('e1')).toMatchObject({
      operation: 'embed',
      provider: 'emb',
      model: 'small',
      userId: 'u1',
      inputTokens: 70,
      outputTokens: 0,
      totalTokens: 70,
      costNanoUsd: 1_400,
      steps: 3,
      success: true,
      stream: false,
    })
    await ai.close()
  })

  it('takes one string as one input', async () => {
    const fake = embeddingProvider()
    const ai = await createAI({ plugins: [fake.plugin], prices })
    const res = await ai.embed({ model: 'emb:large', input: 'hello' })
    expect(res.embeddings).toEqual([vectorOf('hello')])
    expect(res.cost.nanoUsd).toBe(10 * 130)
    await ai.close()
  })

  it('retries a rate-limited batch after its Retry-After, and the usage query tells embeddings from chat', async () => {
    const fake = embeddingProvider({ failures: [new RateLimitError('slow down', { retryAfterMs: 1 })] })
    const ai = await createAI({ plugins: [fake.plugin], prices })
    const retries: number[] = []
    ai.on('retry', (e) => void retries.push(e.delayMs))
    const res = await ai.embed({ model: 'emb:small', input: ['x', 'y'], requestId: 'e2' })
    expect(res.embeddings).toEqual([vectorOf('x'), vectorOf('y')])
    expect(fake.calls).toHaveLength(2)
    await ai.flush()
    expect(retries).toEqual([1])
    const range = { from: new Date(0), to: new Date(Date.now() + 60_000) }
    expect(await ai.usage.query({ ...range, operation: 'embed' })).toMatchObject([
      { requests: 1, inputTokens: 20 },
    ])
    expect(await ai.usage.query({ ...range, operation: 'chat' })).toMatchObject([{ requests: 0 }])
    await ai.close()
  })

  it('falls back on the first batch and keeps every later batch on the model that served it', async () => {
    const primary = embeddingProvider({
      failures: [new ConnectionError('down'), new ConnectionError('down')],
    })
    const other = embeddingProvider({ id: 'other', batchSize: 2 })
    const ai = await createAI({ plugins: [primary.plugin, other.plugin], prices, retry: { maxAttempts: 1 } })
    const switched: string[] = []
    ai.on('provider:switched', (e) => void switched.push(`${e.from} -> ${e.to}`))
    const res = await ai.embed({ model: 'emb:small', input: texts, fallbacks: ['other:vec'] })
    expect(res).toMatchObject({ provider: 'other', model: 'vec' })
    expect(res.embeddings).toEqual(texts.map(vectorOf))
    expect(primary.calls).toHaveLength(1)
    // The first batch of three went over in two pieces of the fallback's size; the rest too.
    expect(other.calls.map((c) => c.input.length)).toEqual([2, 1, 2, 1, 1])
    expect(res.cost.nanoUsd).toBe(70 * 150)
    await ai.flush()
    expect(switched).toEqual(['emb:small -> other:vec'])
    await ai.close()
  })

  it('fails the whole request when a later batch fails, with one failed usage record', async () => {
    const fake = embeddingProvider({ batchSize: 7 })
    const ai = await createAI({ plugins: [fake.plugin], prices, retry: false })
    const ok = await ai.embed({ model: 'emb:small', input: texts })
    expect(ok.batches).toBe(1)
    const failing = embeddingProvider({
      id: 'other',
      batchSize: 2,
      failures: [undefined, new ConnectionError('gone')],
    })
    const ai2 = await createAI({ plugins: [failing.plugin], prices, retry: false })
    await expect(ai2.embed({ model: 'other:vec', input: texts, requestId: 'e3' })).rejects.toMatchObject({
      code: 'connection',
    })
    expect(await ai2.usage.get('e3')).toMatchObject({
      operation: 'embed',
      success: false,
      errorCode: 'connection',
    })
    await ai.close()
    await ai2.close()
  })

  it('reserves the estimated input tokens against a hard budget and settles to the real cost', async () => {
    const fake = embeddingProvider()
    const ai = await createAI({
      plugins: [fake.plugin],
      prices: [{ provider: 'emb', model: 'small', price: { input: 1000, output: 0 } }],
      budgets: [{ scope: 'user', limitUsd: 0.05, period: 'day' }],
    })
    // 10 tokens a text at $1000 per million: $0.01 a text.
    await ai.embed({ model: 'emb:small', input: ['a', 'b', 'c'], scope: { userId: 'u1' } })
    const [status] = await ai.budgets.status({ userId: 'u1' })
    expect(status).toMatchObject({ spentNanoUsd: 30_000_000, reservedNanoUsd: 0 })
    const long = 'x'.repeat(400_000)
    await expect(
      ai.embed({ model: 'emb:small', input: long, scope: { userId: 'u1' } }),
    ).rejects.toMatchObject({
      code: 'budget-exceeded',
    })
    expect(fake.calls).toHaveLength(1)
    await ai.close()
  })

  it('counts each batch against a request limit and refuses past it', async () => {
    const fake = embeddingProvider()
    const ai = await createAI({ plugins: [fake.plugin], prices })
    const limits = { key: 'k1', requestsPerMinute: 2 }
    await ai.embed({ model: 'emb:small', input: ['a', 'b', 'c', 'd'], limits })
    await expect(ai.embed({ model: 'emb:small', input: 'e', limits })).rejects.toMatchObject({
      code: 'rate-limit',
    })
    await ai.close()
  })

  it('estimates the tokens and marks the cost as an estimate when the provider reports no usage', async () => {
    const fake = embeddingProvider({ reportsUsage: false })
    const ai = await createAI({ plugins: [fake.plugin], prices })
    const unknown: number[] = []
    ai.on('cost:unknown', (e) => void unknown.push(e.usage.inputTokens))
    const res = await ai.embed({ model: 'emb:small', input: ['abcdefgh'] })
    // Four characters a token, plus the heuristic's framing of four.
    expect(res.usage.inputTokens).toBe(6)
    expect(res.cost).toMatchObject({ nanoUsd: 6 * 20, source: 'unknown', estimated: true })
    await ai.flush()
    expect(unknown).toEqual([6])
    await ai.close()
  })

  it('refuses what it cannot embed before anything is sent', async () => {
    const fake = embeddingProvider()
    const chatOnly = definePlugin({
      name: 'chat-only',
      setup: (host) =>
        host.registerProvider(
          defineProvider({
            id: 'chat',
            generate: async () => ({
              content: [],
              finishReason: 'stop',
              usage: {
                inputTokens: 0,
                cachedInputTokens: 0,
                cacheWriteTokens: 0,
                outputTokens: 0,
                reasoningTokens: 0,
                totalTokens: 0,
              },
            }),
          }),
        ),
    })
    const ai = await createAI({
      plugins: [fake.plugin, chatOnly],
      prices,
      groups: { pair: { models: ['emb:small', 'emb:large'] } },
    })
    await expect(ai.embed({ model: 'chat:m', input: 'x' })).rejects.toMatchObject({
      code: 'config',
      message:
        "The provider 'chat' has no embeddings: 'chat:m' cannot embed. The providers of this instance that can: emb.",
    })
    await expect(ai.embed({ model: '@pair', input: 'x' })).rejects.toMatchObject({ code: 'validation' })
    await expect(ai.embed({ model: 'emb:small', input: [] })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/input/),
    })
    await expect(ai.embed({ model: 'emb:small', input: 'x', dimensions: 0 })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/dimensions/),
    })
    expect(fake.calls).toHaveLength(0)
    await ai.close()
  })
})
