import type { AssistantPart, FinishReason, ProviderResult, Usage } from '@aimux/ai-core'
import { normalizeUsage, parseToolArguments } from '@aimux/ai-core/provider-kit'
import type { ChatCompletion } from 'openai/resources/chat/completions'
import { reasoningDetailsMetadata, reasoningDetailsOf } from './reasoning-details.js'

/**
 * The `usage` object of a Chat Completions reply or stream chunk as it comes off the wire:
 * OpenAI's counts typed, and any field a vendor adds (OpenRouter's `cost`, DeepSeek's
 * `prompt_cache_hit_tokens`, ...) readable as `unknown`, to be checked before use.
 */
export interface ChatUsageWire {
  prompt_tokens?: number
  completion_tokens?: number
  total_tokens?: number
  prompt_tokens_details?: {
    cached_tokens?: number
    /** OpenRouter's cache writes, part of prompt_tokens. */
    cache_write_tokens?: number
    [field: string]: unknown
  } | null
  completion_tokens_details?: { reasoning_tokens?: number; [field: string]: unknown } | null
  [field: string]: unknown
}

/** Usage read from a reply, with the cost when the provider reports one (OpenRouter does). */
export interface ReadUsage {
  usage: Usage
  costNanoUsd?: number
}

/**
 * Chat Completions usage as aimux counts it. OpenAI (and OpenRouter) count cached tokens inside
 * prompt_tokens and reasoning inside completion_tokens, as aimux does, so the counts carry over:
 * cached_tokens and cache_write_tokens (OpenRouter) as parts of the input, reasoning_tokens as
 * part of the output. A missing count is 0.
 */
export function chatUsage(usage: ChatUsageWire | null | undefined): Usage {
  return normalizeUsage({
    inputTokens: usage?.prompt_tokens,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens,
    cacheWriteTokens: usage?.prompt_tokens_details?.cache_write_tokens,
    outputTokens: usage?.completion_tokens,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens,
  })
}

/** A Chat Completions `finish_reason` as aimux's: OpenRouter's 'error' included, anything unknown as 'other'. */
export function chatFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop'
    case 'length':
      return 'length'
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls'
    case 'content_filter':
      return 'content-filter'
    case 'error':
      return 'error'
    default:
      return 'other'
  }
}

/** Reasoning text, which xAI (and DeepSeek) send as `reasoning_content` and OpenRouter as `reasoning`. */
export function reasoningOf(message: object | undefined): string {
  const { reasoning_content, reasoning } = (message ?? {}) as {
    reasoning_content?: unknown
    reasoning?: unknown
  }
  if (typeof reasoning_content === 'string') return reasoning_content
  return typeof reasoning === 'string' ? reasoning : ''
}

/**
 * What keeps a Chat Completions reply from being read, or undefined when it can be: not a JSON
 * object (an HTML page, an empty body), no `choices`, or a first choice without a message. A reply
 * with no choices is never an empty success.
 */
export function unreadableCompletion(completion: unknown): string | undefined {
  if (typeof completion !== 'object' || completion === null) {
    return completion === undefined || completion === '' ? 'an empty body' : 'not a JSON object'
  }
  const { choices } = completion as { choices?: unknown }
  if (!Array.isArray(choices) || choices.length === 0) return 'no choices'
  const first = choices[0] as { message?: unknown } | null
  if (typeof first?.message !== 'object' || first.message === null) return 'a choice without a message'
  return undefined
}

/**
 * A whole Chat Completions reply as the port's result: the reasoning, the text and the tool calls
 * (arguments parsed; a call without an id gets `call_<index>`), the finish reason, the usage and
 * reported cost as `readUsage` reads them, and the model that answered. With `reasoningDetailsKey`,
 * the message's `reasoning_details` are kept on the reasoning part (there is one for them even
 * without reasoning text) as `providerMetadata[reasoningDetailsKey].reasoningDetails`.
 */
export function chatResult(
  completion: ChatCompletion,
  readUsage: (usage: ChatUsageWire) => ReadUsage,
  options: { reasoningDetailsKey?: string | undefined } = {},
): ProviderResult {
  const choice = completion.choices[0]
  const content: AssistantPart[] = []
  const reasoning = reasoningOf(choice?.message)
  const details = options.reasoningDetailsKey ? reasoningDetailsOf(choice?.message) : undefined
  if (details && options.reasoningDetailsKey) {
    const providerMetadata = reasoningDetailsMetadata(options.reasoningDetailsKey, details)
    content.push({ type: 'reasoning', text: reasoning, providerMetadata })
  } else if (reasoning) content.push({ type: 'reasoning', text: reasoning })
  if (choice?.message.content) content.push({ type: 'text', text: choice.message.content })
  for (const [index, call] of (choice?.message.tool_calls ?? []).entries()) {
    if (call.type !== 'function') continue
    content.push({
      type: 'tool-call',
      id: call.id || `call_${index}`,
      name: call.function.name,
      args: parseToolArguments(call.function.arguments),
    })
  }
  const { usage, costNanoUsd } = readUsage(wireUsage(completion.usage))
  return {
    content,
    finishReason: chatFinishReason(choice?.finish_reason),
    usage,
    ...(costNanoUsd === undefined ? {} : { costNanoUsd }),
    ...(completion.model ? { model: completion.model } : {}),
    raw: completion,
  }
}

/** The SDK's usage object as the wire shape `readUsage` takes (an empty one when the reply has none). */
export function wireUsage(usage: object | null | undefined): ChatUsageWire {
  return (usage ?? {}) as ChatUsageWire
}
