import type { CallContext, ProviderEmbeddingRequest, ProviderEmbeddingResult } from '@aimux/ai-core'
import { invalidResponse, sdkSignal } from '@aimux/ai-core/provider-kit'
import type { GoogleGenAI } from '@google/genai'
import { geminiError } from './gemini-error.js'

/** The most requests one batchEmbedContents call takes. */
export const GEMINI_EMBEDDING_BATCH_SIZE = 100

/**
 * Gemini's embeddings on @google/genai: `models.embedContent` with one content per input, which
 * the SDK sends to the Developer API as POST /{version}/models/{model}:batchEmbedContents;
 * `dimensions` as `outputDimensionality`, and the request's `providerOptions.gemini` (`taskType`,
 * `title`) in the config. The API reports no token counts for embeddings: the result carries
 * usage only when a response has `usageMetadata.promptTokenCount`, and the core estimates the rest.
 */
export function geminiEmbed(
  clientFor: (ctx: CallContext) => { client: GoogleGenAI; apiKey?: string | undefined },
): (request: ProviderEmbeddingRequest, ctx: CallContext) => Promise<ProviderEmbeddingResult> {
  return async (request, ctx) => {
    const { client, apiKey } = clientFor(ctx)
    const { model, input, dimensions } = request
    try {
      const response = await client.models.embedContent({
        model,
        contents: input,
        config: {
          ...request.providerOptions?.gemini,
          ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
          abortSignal: sdkSignal(ctx),
        },
      })
      const embeddings = response.embeddings?.map((e) => e.values)
      if (!embeddings || embeddings.length !== input.length || embeddings.some((v) => !Array.isArray(v))) {
        throw invalidResponse({
          provider: 'gemini',
          model,
          problem: `not one embedding for each of the ${input.length} inputs`,
          body: response,
          secrets: apiKey ? [apiKey] : [],
        })
      }
      const result: ProviderEmbeddingResult = { embeddings: embeddings as number[][] }
      const tokens = response.usageMetadata?.promptTokenCount
      if (typeof tokens === 'number') result.usage = { inputTokens: tokens }
      return result
    } catch (error) {
      throw geminiError(error, { signal: ctx.signal, model, apiKey })
    }
  }
}
