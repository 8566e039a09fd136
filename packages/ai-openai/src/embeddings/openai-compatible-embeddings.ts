import type { CallContext, ProviderEmbeddingRequest, ProviderEmbeddingResult } from '@aimux/ai-core'
import { type ClientConfig, openaiClients } from '../openai-client.js'
import { type EmbeddingUsageWire, OPENAI_EMBEDDING_BATCH_SIZE, openaiEmbed } from './openai-embeddings.js'

export type { EmbeddingUsageWire }

export interface OpenAICompatibleEmbeddingsOptions {
  /** The most inputs the provider takes in one request. Default 2048, as OpenAI. */
  batchSize?: number
  /**
   * The provider's own reported cost in nano-USD, read from the response's `usage` (OpenRouter's
   * `usage.cost`, say); undefined when it reports none, and the price catalog prices the call.
   */
  readCost?: (usage: EmbeddingUsageWire) => number | undefined
}

/** The embedding half of a provider adapter, to spread into it. */
export interface OpenAICompatibleEmbeddings {
  embed: (request: ProviderEmbeddingRequest, ctx: CallContext) => Promise<ProviderEmbeddingResult>
  embeddingBatchSize: number
}

/**
 * Embeddings for a provider that speaks OpenAI's POST /embeddings: the same request and response
 * as OpenAI's (see `openaiEmbed`), on a client made from the provider's `config`.
 *
 * @example return { ...createOpenAICompatibleAdapter(config), ...openaiCompatibleEmbeddings(config) }
 */
export function openaiCompatibleEmbeddings(
  config: ClientConfig,
  options: OpenAICompatibleEmbeddingsOptions = {},
): OpenAICompatibleEmbeddings {
  return {
    embed: openaiEmbed(config.id, openaiClients(config), options.readCost),
    embeddingBatchSize: options.batchSize ?? OPENAI_EMBEDDING_BATCH_SIZE,
  }
}
