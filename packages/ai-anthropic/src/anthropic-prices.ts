import type { ModelPrice, PriceEntryInput } from '@aimux/ai-core'

/**
 * Built-in prices in USD per million tokens, taken on 2026-11-22 from Anthropic's pricing page
 * (https://platform.claude.com/docs/en/about-claude/pricing) and the model overview pages
 * (https://platform.claude.com/docs/models/opus-5-5/overview and .../sonnet-5/overview).
 * `cacheWrite` is the 5-minute cache write rate (1.25x input), the default TTL; `cacheWrite1h`
 * the 1-hour one (2x input), charged for usage's cacheWrite1hTokens. Claude Sonnet 5.5 and Haiku
 * 5.5 are left out: their cache-read rate (and Haiku's long-prompt tier) could not be confirmed on
 * an Anthropic page. Add them, or correct any price, with `createAI({ prices })`, which wins over
 * this table.
 */
const rates: Record<string, ModelPrice> = {
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheWrite1h: 8, cachedInput: 0.2 },
  'claude-fable-5-1': { input: 10, output: 50, cacheWrite: 12.5, cacheWrite1h: 20, cachedInput: 0.25 },
  'claude-mythos-5-1': { input: 10, output: 50, cacheWrite: 12.5, cacheWrite1h: 20, cachedInput: 0.25 },
  'claude-fable-5': { input: 10, output: 50, cacheWrite: 12.5, cacheWrite1h: 20, cachedInput: 1 },
  'claude-mythos-5': { input: 10, output: 50, cacheWrite: 12.5, cacheWrite1h: 20, cachedInput: 1 },
  'claude-opus-5': { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cachedInput: 0.5 },
  'claude-sonnet-5': { input: 2, output: 10, cacheWrite: 2.5, cacheWrite1h: 4, cachedInput: 0.2 },
  'claude-opus-4-8': { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cachedInput: 0.5 },
  'claude-opus-4-7': { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cachedInput: 0.5 },
  'claude-opus-4-6': { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cachedInput: 0.5 },
  'claude-opus-4-5': { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cachedInput: 0.5 },
  'claude-opus-4-5-20251101': { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cachedInput: 0.5 },
}

export const anthropicPrices: PriceEntryInput[] = Object.entries(rates).map(([model, price]) => ({
  provider: 'anthropic',
  model,
  price,
}))
