import { type ChatUsageWire, chatUsage, type ReadUsage } from '@aimux/ai-openai'

/**
 * xAI's usage as aimux counts it. xAI reports reasoning tokens beside completion_tokens, not
 * inside it (prompt 218 + completion 16 + reasoning 82 = total 316), so they are added to the
 * output: 98 output tokens, 82 of them reasoning. When total_tokens shows the reasoning already
 * inside completion_tokens, it is not added twice. Cached tokens are part of prompt_tokens.
 */
export function xaiUsage(usage: ChatUsageWire): ReadUsage {
  const counted = chatUsage(usage)
  const reasoning = counted.reasoningTokens
  const total = usage.total_tokens
  const outside =
    reasoning > 0 &&
    (typeof total !== 'number' || total >= counted.inputTokens + counted.outputTokens + reasoning)
  if (!outside) return { usage: counted }
  const outputTokens = counted.outputTokens + reasoning
  return { usage: { ...counted, outputTokens, totalTokens: counted.inputTokens + outputTokens } }
}
