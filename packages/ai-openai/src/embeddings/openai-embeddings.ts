import type { CallContext, ProviderEmbeddingRequest, ProviderEmbeddingResult } from '@aimux/ai-core'
import { invalidResponse, sdkSignal } from '@aimux/ai-core/provider-kit'
import type { ResolvedClient } from '../openai-client.js'
import { mapOpenAIError } from '../openai-error.js'

/** The `usage` of an embeddings response: OpenAI's token counts, and whatever a provider adds (a `cost`). */
export interface EmbeddingUsageWire {
  prompt_tokens?: number
  total_tokens?: number
  [field: string]: unknown
}

/** The most inputs OpenAI's /v1/embeddings takes in one request. */
export const OPENAI_EMBEDDING_BATCH_SIZE = 2048

/**
 * OpenAI's embeddings on the `openai` SDK: `client.embeddings.create` with the batch's inputs,
 * `dimensions` when asked (text-embedding-3-*), and the request's `providerOptions.<id>` (`user`,
 * say). The SDK asks for base64 and decodes it to floats itself, a quarter of the bytes of JSON
 * numbers. The vectors come back sorted by their `index`; usage is `prompt_tokens`; `readCost`,
 * when given, reads the provider's own reported cost (nano-USD) from the usage.
 */
export function openaiEmbed(
  provider: string,
  clientFor: (ctx: CallContext) => ResolvedClient,
  readCost?: (usage: EmbeddingUsageWire) => number | undefined,
): (request: ProviderEmbeddingRequest, ctx: CallContext) => Promise<ProviderEmbeddingResult> {
  return async (request, ctx) => {
    const { client, apiKey } = clientFor(ctx)
    const { model, input, dimensions } = request
    let response: Awaited<ReturnType<typeof client.embeddings.create>>
    try {
      response = await client.embeddings.create(
        {
          ...request.providerOptions?.[provider],
          model,
          input,
          ...(dimensions === undefined ? {} : { dimensions }),
        },
        { signal: sdkSignal(ctx) },
      )
    } catch (error) {
      throw mapOpenAIError(error, { provider, model, signal: ctx.signal, apiKey })
    }
    const data = Array.isArray(response?.data) ? [...response.data] : undefined
    if (!data || data.length !== input.length || data.some((d) => !Array.isArray(d?.embedding))) {
      throw invalidResponse({
        provider,
        model,
        problem: `not one embedding for each of the ${input.length} inputs`,
        body: response,
        secrets: [apiKey],
      })
    }
    data.sort((a, b) => a.index - b.index)
    const result: ProviderEmbeddingResult = { embeddings: data.map((d) => d.embedding) }
    if (typeof response.usage?.prompt_tokens === 'number')
      result.usage = { inputTokens: response.usage.prompt_tokens }
    const costNanoUsd = response.usage ? readCost?.(response.usage as EmbeddingUsageWire) : undefined
    if (costNanoUsd !== undefined) result.costNanoUsd = costNanoUsd
    if (response.model) result.model = response.model
    return result
  }
}
