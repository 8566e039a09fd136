import type { PriceEntryInput } from '@aimux/ai-core'

/**
 * A small fallback table in USD per million tokens, for estimates before the first
 * `ai.models.sync()`: the call's own cost comes from OpenRouter's `usage.cost`, and synced prices
 * (every model, from GET /models) win over these. Checked 2026-11-22 against
 * https://openrouter.ai/openai/gpt-5.4-pro (above 272K input tokens: $60 input, $270 output) and
 * the per-token costs OpenRouter reported for openai/gpt-5 in `usage.cost_details`
 * (https://openrouter.ai/openai/gpt-5); two embedding models (OpenRouter lists those at GET
 * /embeddings/models, which the sync does not read) against their model pages,
 * https://openrouter.ai/openai/text-embedding-3-small and
 * https://openrouter.ai/qwen/qwen3-embedding-8b. Models whose price could not be confirmed are
 * left out.
 */
const rates: Record<string, PriceEntryInput['price']> = {
  'openai/gpt-5': { input: 1.25, output: 10 },
  'openai/text-embedding-3-small': { input: 0.02, output: 0 },
  'qwen/qwen3-embedding-8b': { input: 0.01, output: 0 },
  'openai/gpt-5.4-pro': {
    input: 30,
    output: 180,
    tiers: [{ aboveInputTokens: 272_000, input: 60, output: 270 }],
  },
}

/** The built-in price table of the `openrouter` provider. */
export const openrouterPrices: PriceEntryInput[] = Object.entries(rates).map(([model, price]) => ({
  provider: 'openrouter',
  model,
  price,
}))
