import type { AssistantPart, FinishReason, ProviderResult, Usage } from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import type Anthropic from '@anthropic-ai/sdk'

/** The usage fields both message_start and message_delta may carry; null or absent means "not said". */
export interface AnthropicUsageReport {
  input_tokens?: number | null
  cache_creation_input_tokens?: number | null
  cache_read_input_tokens?: number | null
  output_tokens?: number | null
  output_tokens_details?: { thinking_tokens?: number | null } | null
  /** The cache writes by lifetime; their sum is cache_creation_input_tokens. */
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null
    ephemeral_1h_input_tokens?: number | null
  } | null
}

/**
 * Anthropic's input_tokens leaves out cache reads and writes; aimux counts them in inputTokens.
 * The 1-hour writes (cache_creation.ephemeral_1h_input_tokens) are cacheWrite1hTokens, a part of
 * cacheWriteTokens, priced at their own rate. output_tokens already includes thinking
 * (output_tokens_details.thinking_tokens).
 */
export function anthropicUsage(usage: AnthropicUsageReport | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0
  return normalizeUsage({
    inputTokens: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    cacheWrite1hTokens: usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens ?? 0,
  })
}

/** A stream's usage: message_start's report, with every field message_delta states laid over it. */
export function mergeUsageReports(
  start: AnthropicUsageReport,
  delta: AnthropicUsageReport,
): AnthropicUsageReport {
  const merged: AnthropicUsageReport = { ...start }
  for (const [key, value] of Object.entries(delta) as [keyof AnthropicUsageReport, never][]) {
    if (value !== null && value !== undefined) merged[key] = value
  }
  return merged
}

export function anthropicFinishReason(reason: Anthropic.StopReason | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return 'tool-calls'
    case 'refusal':
      return 'content-filter'
    default:
      return 'other'
  }
}

/**
 * What keeps a Messages API reply from being read, or undefined when it can be: not a JSON object
 * (an HTML page, an empty body), or no `content` list. Never an empty success.
 */
export function unreadableMessage(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) {
    return message === undefined || message === '' ? 'an empty body' : 'not a JSON object'
  }
  return Array.isArray((message as { content?: unknown }).content) ? undefined : 'no content'
}

/** Text, thinking (with the signature it must be sent back with) and tool calls; server tool blocks are left out. */
export function anthropicContent(blocks: readonly Anthropic.ContentBlock[]): AssistantPart[] {
  return blocks.flatMap((block): AssistantPart[] => {
    if (block.type === 'text') return [{ type: 'text', text: block.text }]
    if (block.type === 'thinking') {
      return [
        {
          type: 'reasoning',
          text: block.thinking,
          providerMetadata: { anthropic: { signature: block.signature } },
        },
      ]
    }
    if (block.type === 'redacted_thinking') {
      return [{ type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData: block.data } } }]
    }
    if (block.type === 'tool_use')
      return [{ type: 'tool-call', id: block.id, name: block.name, args: block.input }]
    return []
  })
}

/** A message as a chat call's result: what `generate()` answers, and a batch job for each request. */
export function anthropicResult(message: Anthropic.Message): ProviderResult {
  return {
    content: anthropicContent(message.content),
    finishReason: anthropicFinishReason(message.stop_reason),
    usage: anthropicUsage(message.usage),
    model: message.model,
    raw: message,
  }
}
