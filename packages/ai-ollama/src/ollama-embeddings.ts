import type { CallContext, ProviderEmbeddingRequest, ProviderEmbeddingResult } from '@aimux/ai-core'
import { invalidResponse } from '@aimux/ai-core/provider-kit'
import type { OllamaCall } from './ollama-client.js'
import { ollamaError } from './ollama-error.js'

/** How many inputs one /api/embed request takes by default: a local server embeds them in one go. */
export const OLLAMA_EMBEDDING_BATCH_SIZE = 128

/**
 * Ollama's embeddings on the ollama client: `client.embed` (POST /api/embed) with the batch's
 * inputs, `dimensions` when asked, the adapter's `keepAlive`, and the request's
 * `providerOptions.ollama` (`truncate`, `options`); usage is `prompt_eval_count`.
 */
export function ollamaEmbed(
  clientFor: (ctx: CallContext) => OllamaCall,
  keepAlive: string | number | undefined,
): (request: ProviderEmbeddingRequest, ctx: CallContext) => Promise<ProviderEmbeddingResult> {
  return async (request, ctx) => {
    const { run, errorContext } = clientFor(ctx)
    const { model, input, dimensions } = request
    try {
      const response = await run((client) =>
        client.embed({
          ...request.providerOptions?.ollama,
          model,
          input,
          ...(dimensions === undefined ? {} : { dimensions }),
          ...(keepAlive === undefined ? {} : { keep_alive: keepAlive }),
        }),
      )
      const embeddings = response?.embeddings
      if (!Array.isArray(embeddings) || embeddings.length !== input.length) {
        const { apiKey } = errorContext()
        throw invalidResponse({
          provider: 'ollama',
          model,
          problem: `not one embedding for each of the ${input.length} inputs`,
          body: response,
          secrets: apiKey ? [apiKey] : [],
        })
      }
      const result: ProviderEmbeddingResult = { embeddings }
      if (typeof response.prompt_eval_count === 'number')
        result.usage = { inputTokens: response.prompt_eval_count }
      if (response.model) result.model = response.model
      return result
    } catch (error) {
      throw ollamaError(error, { ...errorContext(), model })
    }
  }
}
