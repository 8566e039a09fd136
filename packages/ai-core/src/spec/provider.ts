import { z } from 'zod'
import type { PriceEntryInput } from '../cost/price-catalog.js'
import type { Usage } from '../cost/usage.js'
import { ConfigError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import type { CallContext } from './call-context.js'
import type { ProviderEmbeddingRequest, ProviderEmbeddingResult } from './embedding.js'
import type { AssistantPart, Message, ProviderMetadata } from './message.js'
import type { Capabilities, ProviderModelInfo } from './model.js'
import type { ProviderBatch } from './provider-batch.js'
import type { JsonSchema, ToolCall, ToolSpec } from './tool.js'

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other'

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string }

export type ResponseFormat = { type: 'text' } | { type: 'json'; schema?: JsonSchema; name?: string }

/** The normalized request an adapter translates for its SDK. Validated before it arrives. */
export interface ProviderRequest {
  /** The provider's own model id (without the "provider:" prefix). */
  model: string
  messages: Message[]
  tools?: ToolSpec[]
  toolChoice?: ToolChoice
  responseFormat?: ResponseFormat
  temperature?: number
  topP?: number
  maxOutputTokens?: number
  stop?: string[]
  seed?: number
  reasoning?: { effort?: 'low' | 'medium' | 'high'; budgetTokens?: number }
  /** Passed through to the provider as it is, keyed by provider id: `{ openai: { user: 'x' } }`. */
  providerOptions?: Record<string, Record<string, unknown>>
}

export interface ProviderResult {
  content: AssistantPart[]
  finishReason: FinishReason
  usage: Usage
  /** The provider's own reported cost in nano-USD, when it reports one; it wins over the catalog. */
  costNanoUsd?: number
  /** The provider's own name for the model that answered (a dated snapshot, say), when it says. */
  model?: string
  raw?: unknown
}

/** What an adapter's stream yields. Errors are thrown from the iterator as typed errors. */
export type ProviderStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool-call'; toolCall: ToolCall }
  /** Exactly one per stream, with the totals (an adapter merges what its wire reports in pieces). */
  | { type: 'usage'; usage: Usage; costNanoUsd?: number }
  | { type: 'finish'; finishReason: FinishReason; model?: string; raw?: unknown }

/** How many input tokens a prompt takes, and how that number was arrived at. */
export interface TokenCount {
  inputTokens: number
  /**
   * True when the number is the one the provider will bill for this prompt. False when part of
   * it is estimated (images, tool definitions, a system prompt a counting endpoint does not take)
   * or all of it is (`source: 'estimate'`).
   */
  exact: boolean
  /**
   * 'provider': the provider's own counting endpoint (a network call); 'tokenizer': the model's
   * tokenizer, run locally; 'estimate': about four characters a token (context-window.ts).
   */
  source: 'provider' | 'tokenizer' | 'estimate'
}

/**
 * A local, synchronous token counter for one model: no network, cheap enough to run before every
 * call. The core uses it for budget reservations and context-window trimming.
 */
export interface TokenEstimator {
  /** The tokens one message takes in the prompt, its framing included. */
  message(message: Message): number
  /** The tokens of a whole prompt: its messages, the tools' definitions and the reply's priming. */
  prompt(messages: readonly Message[], tools?: readonly ToolSpec[]): number
}

/**
 * The provider port. An adapter is thin: translate the request, make one SDK call with the
 * SDK's own retries off (the core owns retries), translate the response, and map errors to the
 * core's typed errors (errorFromStatus does it for HTTP statuses; no secret in any message).
 * Credentials chosen for the call, if any, are in `ctx.credentials` and win over the adapter's own.
 */
export interface ProviderAdapter {
  /** The id users write before the colon: "openai" in "openai:gpt-4o-mini". */
  id: string
  capabilities?: Capabilities
  generate(request: ProviderRequest, ctx: CallContext): Promise<ProviderResult>
  /**
   * Yields parts as they arrive: deltas and tool calls, then one 'usage' and a final 'finish'.
   * When `ctx.signal` aborts it throws AbortedError (never just ends); when the connection breaks
   * it throws the typed error (a ConnectionError, say), before or after the first part: the core
   * makes a failure after a part reached the caller a StreamInterruptedError. It never hangs.
   */
  stream(request: ProviderRequest, ctx: CallContext): AsyncIterable<ProviderStreamPart>
  listModels?(ctx: CallContext): Promise<ProviderModelInfo[]>
  /** Resolves when the credentials work; throws an AuthenticationError when they do not. */
  validateCredentials?(ctx: CallContext): Promise<void>
  /** Built-in prices for this provider's models, loaded into the price catalog. */
  prices?: PriceEntryInput[]
  /** The provider's batch jobs (`ai.batch`): many chat requests in one job, at batch rates. */
  batch?: ProviderBatch
  /**
   * Counts the request's input tokens as the provider counts them: its counting endpoint (with the
   * same request mapping as a chat call: system prompt, tools, images) or the model's tokenizer.
   * Resolves to undefined when it cannot count for this model; the core then estimates. Errors
   * are typed as a call's are (an unknown model is an UnknownModelError).
   */
  countTokens?(request: ProviderRequest, ctx: CallContext): Promise<TokenCount | undefined>
  /**
   * The model's local tokenizer, for the core's estimates before a call (budgets, trimming);
   * undefined when the adapter has none for this model, and the core counts four characters a
   * token. Never a network call: it runs on every request.
   */
  tokenEstimator?(model: string): TokenEstimator | undefined
  /**
   * Embeds one batch of texts: a vector per input, in order, and the input tokens the provider
   * reported. The core never sends more than `embeddingBatchSize` inputs at once; it splits a
   * larger request into batches, runs them through the same middleware as a chat call (rate
   * limits, retries, fallbacks, circuit breaker, credentials) and joins the vectors in order.
   */
  embed?(request: ProviderEmbeddingRequest, ctx: CallContext): Promise<ProviderEmbeddingResult>
  /** The most inputs one `embed()` request takes (OpenAI 2048, Gemini 100); default 100. */
  embeddingBatchSize?: number
}

export interface ProviderDefinition extends Omit<ProviderAdapter, 'stream'> {
  /** Optional: without it, a stream is made from generate() as one text delta and a finish. */
  stream?: ProviderAdapter['stream']
}

const definitionSchema = z.object({
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]*$/,
      'must be lowercase letters, digits, dots, dashes or underscores, without a colon',
    ),
  generate: z.custom<ProviderAdapter['generate']>((v) => typeof v === 'function', 'must be a function'),
  stream: z
    .custom<ProviderAdapter['stream']>((v) => typeof v === 'function', 'must be a function')
    .optional(),
})

/** Defines a provider adapter; the same path the built-in adapters take. */
export function defineProvider(definition: ProviderDefinition): ProviderAdapter {
  try {
    validate(definitionSchema, definition, 'provider definition')
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error })
  }
  if (definition.stream) return definition as ProviderAdapter
  return {
    ...definition,
    async *stream(request, ctx) {
      const result = await definition.generate(request, ctx)
      for (const part of result.content) {
        if (part.type === 'text') yield { type: 'text-delta', text: part.text }
        else if (part.type === 'reasoning') yield { type: 'reasoning-delta', text: part.text }
        else yield { type: 'tool-call', toolCall: { id: part.id, name: part.name, args: part.args } }
      }
      yield result.costNanoUsd === undefined
        ? { type: 'usage', usage: result.usage }
        : { type: 'usage', usage: result.usage, costNanoUsd: result.costNanoUsd }
      yield {
        type: 'finish',
        finishReason: result.finishReason,
        ...(result.model ? { model: result.model } : {}),
      }
    },
  }
}
