import { usdToNano } from '@aimux/ai-core'
import { type ChatUsageWire, chatUsage, type ReadUsage } from '@aimux/ai-openai'

/**
 * OpenRouter's usage: token counts as OpenAI counts them (cached and cache-written tokens inside
 * prompt_tokens, reasoning inside completion_tokens), and `cost`, what OpenRouter charged in USD,
 * as the call's cost in nano-USD, which wins over the price catalog. A missing or negative cost
 * is left out, and the catalog prices the call.
 */
export function openrouterUsage(usage: ChatUsageWire): ReadUsage {
  const costNanoUsd = openrouterCost(usage.cost)
  return costNanoUsd === undefined ? { usage: chatUsage(usage) } : { usage: chatUsage(usage), costNanoUsd }
}

/**
 * OpenRouter's `usage.cost` (USD, on chat and embeddings replies) in nano-USD, or undefined when
 * it is missing, not a finite number, or negative.
 */
export function openrouterCost(cost: unknown): number | undefined {
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? usdToNano(cost) : undefined
}
