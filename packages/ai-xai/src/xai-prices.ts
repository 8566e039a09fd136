import type { PriceEntryInput } from '@aimux/ai-core'

/**
 * xAI's prices in USD per million tokens, from https://docs.x.ai/developers/models (checked
 * 2026-11-22). Reasoning tokens are billed as output. Models whose price could not be confirmed
 * are left out; synced and your own prices win over these.
 */
const rates: Record<string, PriceEntryInput['price']> = {
  'grok-4.20-0309-reasoning': { input: 2, cachedInput: 0.2, output: 6 },
  'grok-4.20-0309-non-reasoning': { input: 2, cachedInput: 0.2, output: 6 },
  'grok-4.20-multi-agent-0309': { input: 2, cachedInput: 0.2, output: 6 },
  'grok-4-1-fast-reasoning': { input: 0.2, cachedInput: 0.05, output: 0.5 },
  'grok-4-1-fast-non-reasoning': { input: 0.2, cachedInput: 0.05, output: 0.5 },
}

/** The built-in price table of the `xai` provider. */
export const xaiPrices: PriceEntryInput[] = Object.entries(rates).map(([model, price]) => ({
  provider: 'xai',
  model,
  price,
}))
