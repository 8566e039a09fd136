import type { Usage } from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import type { CompletionUsage } from 'openai/resources/completions'

/**
 * Chat Completions usage as aimux counts it. OpenAI (and OpenRouter) count cached tokens inside
 * prompt_tokens and reasoning inside completion_tokens, as aimux does, so the counts carry over:
 * cached_tokens and cache_write_tokens (OpenRouter) as parts of the input, reasoning_tokens as
 * part of the output. A missing count is 0.
 */
export function chatUsage(usage: CompletionUsage | null | undefined): Usage {
  const prompt = usage?.prompt_tokens_details as
    | { cached_tokens?: number; cache_write_tokens?: number }
    | undefined
  return normalizeUsage({
    inputTokens: usage?.prompt_tokens,
    cachedInputTokens: prompt?.cached_tokens,
    cacheWriteTokens: prompt?.cache_write_tokens,
    outputTokens: usage?.completion_tokens,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens,
  })
}
