import { AuthenticationError, RateLimitError } from '@aimux/ai-core'
import { expect, it } from 'vitest'
import type { ConformanceTarget } from './provider-conformance-options.js'
import { testContext } from './test-context.js'

/** What the embedding cases need to know of the provider. */
export interface EmbeddingsKit {
  /** The target of the running test. */
  target: () => ConformanceTarget
  /** An embedding model the fake server knows. */
  model: string
  /** A vector size the model can shorten its vectors to; without it, `dimensions` is not sent. */
  dimensions?: number
  /** Whether the API reports the input tokens (Gemini's batchEmbedContents does not). */
  reportsUsage: boolean
}

/**
 * The cases for a provider that embeds (`embed`): one finite vector per input, in order, the
 * same for the same text; `dimensions` honoured; the input tokens when the API reports them; a
 * batch size the core can split by; a 429 as a retryable RateLimitError with its Retry-After,
 * and a 401 as an AuthenticationError that does not reveal the key.
 */
export function embeddingsCases(kit: EmbeddingsKit): void {
  const embed = (input: string[], dimensions?: number) => {
    const { provider } = kit.target()
    expect(provider.embed, 'the provider has embed').toBeTypeOf('function')
    const request = { model: kit.model, input, ...(dimensions === undefined ? {} : { dimensions }) }
    return provider.embed!.call(provider, request, testContext())
  }

  it('embeds several texts: one vector each, in order, the same for the same text', async () => {
    kit.target().script.enqueue({})
    const texts = ['The cat sat on the mat.', 'A completely different sentence', 'The cat sat on the mat.']
    const result = await embed(texts, kit.dimensions)
    expect(result.embeddings).toHaveLength(3)
    for (const vector of result.embeddings) {
      expect(vector.length).toBeGreaterThan(0)
      expect(vector.every((x) => typeof x === 'number' && Number.isFinite(x))).toBe(true)
      if (kit.dimensions !== undefined) expect(vector).toHaveLength(kit.dimensions)
    }
    expect(result.embeddings[2]).toEqual(result.embeddings[0])
    expect(result.embeddings[1]).not.toEqual(result.embeddings[0])
    if (kit.reportsUsage) {
      expect(Number.isInteger(result.usage?.inputTokens)).toBe(true)
      expect(result.usage!.inputTokens).toBeGreaterThan(0)
    } else expect(result.usage).toBeUndefined()
    const size = kit.target().provider.embeddingBatchSize
    expect(Number.isInteger(size) && size! > 0).toBe(true)
  })

  it('maps a 429 on embeddings to a retryable RateLimitError with its Retry-After', async () => {
    kit.target().script.enqueue({ error: { status: 429, retryAfterMs: 2000 } })
    const error = await embed(['x']).catch((e: unknown) => e)
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 2000 })
  })

  it('maps a 401 on embeddings to an AuthenticationError that does not reveal the key', async () => {
    kit.target().script.enqueue({ error: { status: 401 } })
    const error = await embed(['x']).catch((e: unknown) => e)
    expect(AuthenticationError.is(error)).toBe(true)
    const apiKey = kit.target().apiKey
    if (apiKey) expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(apiKey)
  })
}
