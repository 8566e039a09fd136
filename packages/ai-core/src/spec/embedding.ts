import { z } from 'zod'
import type { Cost } from '../cost/cost.js'
import { retryPolicySchema, timeoutPolicySchema } from './policy.js'
import { requestLimitsSchema } from './request.js'
import { scopeSchema } from './scope.js'

/** What a usage record was for: a chat request (`chat`, `stream`, a conversation) or `embed`. */
export type UsageOperation = 'chat' | 'embed'

/** The normalized embedding request an adapter translates for its SDK: one batch of inputs. */
export interface ProviderEmbeddingRequest {
  /** The provider's own model id (without the "provider:" prefix). */
  model: string
  /** At most the adapter's `embeddingBatchSize` inputs; the core splits larger requests. */
  input: string[]
  /** The size of each vector, for models that can shorten theirs. */
  dimensions?: number
  /** Passed through to the provider as it is, keyed by provider id. */
  providerOptions?: Record<string, Record<string, unknown>>
}

/** What an adapter returns for one batch: a vector per input, in the inputs' order. */
export interface ProviderEmbeddingResult {
  embeddings: number[][]
  /**
   * Input tokens as the provider reported them; absent when it reports none (Gemini's
   * embedContent): the core then estimates them and marks the cost as an estimate.
   */
  usage?: { inputTokens: number }
  /** The provider's own reported cost in nano-USD, when it reports one; it wins over the catalog. */
  costNanoUsd?: number
  /** The provider's own name for the model that answered, when it says. */
  model?: string
  raw?: unknown
}

/** `ai.embed()`'s request. */
export const embedRequestSchema = z.strictObject({
  /** "provider:model" or an alias of one. */
  model: z.string().min(1),
  /** One text, or several: one vector each, in order. */
  input: z.union([z.string(), z.array(z.string()).min(1, 'must hold at least one text')]),
  /** The size of each vector, for models that can shorten theirs (text-embedding-3-*, gemini-embedding-001). */
  dimensions: z.number().int().positive().optional(),
  providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** This request's retries: settings over the instance's, or false for none. */
  retry: z.union([retryPolicySchema.partial(), z.literal(false)]).optional(),
  timeout: timeoutPolicySchema.optional(),
  /** Models to try in order when the requested one fails, instead of the instance's chain. */
  fallbacks: z.array(z.string().min(1)).optional(),
  scope: scopeSchema.optional(),
  /** Per-call budgets and rate limits, set by a trusted server; see `requestLimitsSchema`. */
  limits: requestLimitsSchema.optional(),
  signal: z.instanceof(AbortSignal).optional(),
  requestId: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})
export type EmbedRequest = z.input<typeof embedRequestSchema>

/** What `ai.embed()` resolves to. */
export interface EmbedResult {
  /** One vector per input, in the inputs' order. */
  embeddings: number[][]
  /** The model that served every batch (after fallbacks), and its provider. */
  provider: string
  model: string
  /** Input tokens over every batch. */
  usage: { inputTokens: number }
  /** Exact, over every batch. */
  cost: Cost
  requestId: string
  /** How many provider requests the inputs took. */
  batches: number
  latencyMs: number
}
