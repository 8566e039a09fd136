import type { Usage } from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import type { ResponseUsage } from 'openai/resources/responses/responses'

/**
 * Responses API usage as aimux counts it: input_tokens includes the cached (and cache-written)
 * tokens, output_tokens includes the reasoning tokens, as in aimux. A missing count is 0.
 */
export function responsesUsage(usage: ResponseUsage | null | undefined): Usage {
  return normalizeUsage({
    inputTokens: usage?.input_tokens,
    cachedInputTokens: usage?.input_tokens_details?.cached_tokens,
    cacheWriteTokens: usage?.input_tokens_details?.cache_write_tokens,
    outputTokens: usage?.output_tokens,
    reasoningTokens: usage?.output_tokens_details?.reasoning_tokens,
  })
}
