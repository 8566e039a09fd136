import type { PriceEntryInput } from '@aimux/ai-core'

/**
 * Built-in prices in USD per million tokens (output prices include thinking tokens), taken on
 * 2026-11-22 from Google's Gemini Developer API pricing page
 * (https://ai.google.dev/gemini-api/docs/pricing), standard paid tier. Gemini 3.8 Flash is at a
 * launch price through 2026-12-31 and its list price from 2027-01-01. Prompts longer than 200k
 * tokens are priced as a whole at the long-context tier. Cached-input rates are left out where
 * the page could not be confirmed (cached tokens are then priced as input), as is every model not
 * listed. Add or correct prices with `createAI({ prices })`, which wins over this table.
 */
export const geminiPrices: PriceEntryInput[] = [
  { provider: 'gemini', model: 'gemini-3.8-flash', price: { input: 0.75, output: 3.75 } },
  {
    provider: 'gemini',
    model: 'gemini-3.8-flash',
    effectiveFrom: '2027-01-01T00:00:00Z',
    price: { input: 1.5, output: 7.5 },
  },
  { provider: 'gemini', model: 'gemini-3.5-flash', price: { input: 1.5, output: 9 } },
  {
    provider: 'gemini',
    model: 'gemini-3.1-pro-preview',
    price: { input: 2, output: 12, tiers: [{ aboveInputTokens: 200_000, input: 4, output: 18 }] },
  },
  {
    provider: 'gemini',
    model: 'gemini-2.5-pro',
    price: { input: 1.25, output: 10, tiers: [{ aboveInputTokens: 200_000, input: 2.5, output: 15 }] },
  },
  // Embeddings: input only (https://ai.google.dev/gemini-api/docs/pricing, gemini-embedding-001).
  { provider: 'gemini', model: 'gemini-embedding-001', price: { input: 0.15, output: 0 } },
]
