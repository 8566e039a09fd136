import {
  type AssistantPart,
  type FinishReason,
  ProviderError,
  type ProviderMetadata,
  type ProviderResult,
  type ReasoningPart,
  type Usage,
} from '@aimux/ai-core'
import { normalizeUsage, parseToolArguments } from '@aimux/ai-core/provider-kit'
import type { Response, ResponseReasoningItem, ResponseUsage } from 'openai/resources/responses/responses'

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

/**
 * Why a Responses API response ended, as aimux's finish reason: an incomplete response by its
 * reason (the output limit is 'length'), a refusal as 'content-filter', a completed one with
 * function calls as 'tool-calls'.
 */
export function responsesFinishReason(
  response: Pick<Response, 'status' | 'incomplete_details'>,
  outcome: { toolCalls: boolean; refused: boolean },
): FinishReason {
  if (response.status === 'incomplete') {
    const reason = response.incomplete_details?.reason
    if (reason === 'max_output_tokens') return 'length'
    return reason === 'content_filter' ? 'content-filter' : 'other'
  }
  if (response.status !== 'completed') return 'other'
  if (outcome.refused) return 'content-filter'
  return outcome.toolCalls ? 'tool-calls' : 'stop'
}

/**
 * What keeps a Responses API response from being read, or undefined when it can be: not a JSON
 * object (an HTML page, an empty body), or no `output` list. Never an empty success.
 */
export function unreadableResponse(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) {
    return response === undefined || response === '' ? 'an empty body' : 'not a JSON object'
  }
  return Array.isArray((response as { output?: unknown }).output) ? undefined : 'no output'
}

/**
 * A response the API marked failed, as a ProviderError (retryable when the server says it erred),
 * `secrets` masked in its message.
 */
export function failedResponse(
  response: Response,
  provider: string,
  model: string,
  secrets: readonly string[] = [],
): ProviderError {
  const message = response.error?.message ?? 'the response failed'
  return new ProviderError(`${provider}: ${message}`, {
    provider,
    model,
    retryable: response.error?.code === 'server_error',
    secrets,
  })
}

/**
 * What a reasoning item needs to go back to the API on the next turn, kept on its reasoning part
 * as `providerMetadata.openai`: the item's id and its `encrypted_content`; undefined when the item
 * has no encrypted content (it cannot be sent back without it when nothing is stored).
 */
export function reasoningMetadata(
  item: Pick<ResponseReasoningItem, 'id' | 'encrypted_content'>,
): ProviderMetadata | undefined {
  if (!item.encrypted_content) return undefined
  return { openai: { itemId: item.id, encryptedContent: item.encrypted_content } }
}

/**
 * A reasoning item as a reasoning part: its summaries joined with a blank line, with what it needs
 * to go back (see reasoningMetadata); undefined for an item with neither.
 */
export function reasoningPart(item: ResponseReasoningItem): ReasoningPart | undefined {
  const text = item.summary.map((summary) => summary.text).join('\n\n')
  const providerMetadata = reasoningMetadata(item)
  if (providerMetadata) return { type: 'reasoning', text, providerMetadata }
  return text ? { type: 'reasoning', text } : undefined
}

/**
 * A whole Responses API response as the port's result: each reasoning item as a reasoning part
 * (see reasoningPart), output text and refusals as text, function calls with parsed arguments,
 * then the finish reason, the usage and the model that answered.
 */
export function responsesResult(response: Response): ProviderResult {
  const content: AssistantPart[] = []
  let refused = false
  for (const item of response.output) {
    if (item.type === 'reasoning') {
      const part = reasoningPart(item)
      if (part) content.push(part)
    } else if (item.type === 'message') {
      for (const part of item.content) {
        if (part.type === 'refusal') refused = true
        content.push({ type: 'text', text: part.type === 'refusal' ? part.refusal : part.text })
      }
    } else if (item.type === 'function_call') {
      content.push({
        type: 'tool-call',
        id: item.call_id,
        name: item.name,
        args: parseToolArguments(item.arguments),
      })
    }
  }
  return {
    content,
    finishReason: responsesFinishReason(response, {
      toolCalls: content.some((part) => part.type === 'tool-call'),
      refused,
    }),
    usage: responsesUsage(response.usage),
    ...(response.model ? { model: response.model } : {}),
    raw: response,
  }
}
