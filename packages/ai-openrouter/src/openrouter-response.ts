import { usdToNano } from '@aimux/ai-core'
import { type ChatUsageWire, chatUsage, type ReadUsage } from '@aimux/ai-openai'

/**
 * OpenRouter's usage: token counts as OpenAI counts them (cached and cache-written tokens inside
 * prompt_tokens, reasoning inside completion_tokens), and `cost`, what OpenRouter charged in USD,
 * as the call's cost in nano-USD, which wins over the price catalog. A missing or negative cost
 * is left out, and the catalog prices the call.
 */
export function openrouterUsage(usage: ChatUsageWire): ReadUsage {
  const { cost } = usage
  const reported = typeof cost === 'number' && Number.isFinite(cost) && cost >= 0
  return reported ? { usage: chatUsage(usage), costNanoUsd: usdToNano(cost) } : { usage: chatUsage(usage) }
}
