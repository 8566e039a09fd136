import type { PriceEntryInput } from '@aimux/ai-core'

/**
 * OpenAI's standard-tier prices in USD per million tokens, from
 * https://developers.openai.com/api/docs/pricing and the model pages under
 * https://developers.openai.com/api/docs/models (checked 2026-11-22). GPT-5.5 and GPT-5.4 bill a
 * request with more than 272K input tokens at 2x input and 1.5x output for the whole request.
 * Models whose price could not be confirmed are left out; synced and your own prices win over these.
 */
const rates: Record<string, PriceEntryInput['price']> = {
  'gpt-5.5': {
    input: 5,
    cachedInput: 0.5,
    output: 30,
    tiers: [{ aboveInputTokens: 272_000, input: 10, cachedInput: 1, output: 45 }],
  },
  'gpt-5.4': {
    input: 2.5,
    cachedInput: 0.25,
    output: 15,
    tiers: [{ aboveInputTokens: 272_000, input: 5, cachedInput: 0.5, output: 22.5 }],
  },
  'gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
  'gpt-5.4-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  // Embedding models: input only (https://developers.openai.com/api/docs/pricing, embeddings).
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
}

/** The built-in price table of the `openai` provider. */
export const openaiPrices: PriceEntryInput[] = Object.entries(rates).map(([model, price]) => ({
  provider: 'openai',
  model,
  price,
}))
