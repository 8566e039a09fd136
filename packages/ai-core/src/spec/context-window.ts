import { type Message, partsOf } from './message.js'
import type { ProviderAdapter, TokenEstimator } from './provider.js'

/** Returns the messages to send so that they fit `maxInputTokens`. */
export type TrimStrategy = (
  messages: readonly Message[],
  budget: { maxInputTokens: number; estimateTokens: (message: Message) => number },
) => Message[]

const IMAGE_TOKENS = 800
const MESSAGE_OVERHEAD_TOKENS = 4

/** A cheap, provider-neutral estimate: about four characters a token, a flat cost per image. */
export function estimateTokens(message: Message): number {
  let chars = 0
  let images = 0
  for (const part of partsOf(message)) {
    if (part.type === 'image') images++
    else if (part.type === 'text' || part.type === 'reasoning') chars += part.text.length
    else if (part.type === 'tool-call') chars += part.name.length + JSON.stringify(part.args ?? null).length
    else if (part.type === 'tool-result') chars += JSON.stringify(part.result ?? null).length
  }
  return Math.ceil(chars / 4) + images * IMAGE_TOKENS + MESSAGE_OVERHEAD_TOKENS
}

/** The prompt's size in tokens: the sum of `estimateTokens` over its messages. */
export function estimatePromptTokens(messages: readonly Message[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m), 0)
}

/** The four-characters-a-token estimate as a TokenEstimator; it leaves tool definitions out. */
export const heuristicEstimator: TokenEstimator = {
  message: estimateTokens,
  prompt: (messages) => estimatePromptTokens(messages),
}

/**
 * What the core counts a prompt with before a call (budget reservations, context-window
 * trimming): the adapter's local tokenizer for the model when it has one, else the heuristic.
 * An estimate never fails a call: a tokenizer that throws is replaced by the heuristic for that count.
 */
export function tokenEstimatorFor(provider: ProviderAdapter, model: string): TokenEstimator {
  let own: TokenEstimator | undefined
  try {
    own = provider.tokenEstimator?.(model)
  } catch {
    own = undefined
  }
  if (!own) return heuristicEstimator
  const tokenizer = own
  return {
    message(message) {
      try {
        return tokenizer.message(message)
      } catch {
        return estimateTokens(message)
      }
    },
    prompt(messages, tools) {
      try {
        return tokenizer.prompt(messages, tools)
      } catch {
        return estimatePromptTokens(messages)
      }
    },
  }
}

/**
 * Output tokens assumed for a reply when neither the request (`maxOutputTokens`) nor the model
 * catalog gives a maximum: enough for a long answer, so a budget's estimate errs on the high side.
 */
export const DEFAULT_OUTPUT_TOKENS = 4096

/**
 * The most tokens a reply may take, for estimates made before a call (budget reservations,
 * routing by cost and context window): the request's maximum, else the model's maximum from the
 * catalog, else DEFAULT_OUTPUT_TOKENS.
 */
export function outputAllowance(requested: number | undefined, modelMaximum?: number): number {
  return requested ?? modelMaximum ?? DEFAULT_OUTPUT_TOKENS
}

/**
 * Drops the oldest messages first, always keeping the system prompt and the last message, and
 * never leaving the history starting on an assistant or tool message (providers refuse that).
 */
export const trimOldestFirst: TrimStrategy = (messages, { maxInputTokens, estimateTokens }) => {
  const system = messages.filter((m) => m.role === 'system')
  const rest = messages.filter((m) => m.role !== 'system')
  let total = [...system, ...rest].reduce((sum, m) => sum + estimateTokens(m), 0)
  let start = 0
  while (start < rest.length - 1 && (total > maxInputTokens || rest[start]!.role !== 'user')) {
    total -= estimateTokens(rest[start]!)
    start++
  }
  return [...system, ...rest.slice(start)]
}
