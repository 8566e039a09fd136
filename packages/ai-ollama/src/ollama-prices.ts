import type { ModelPrice, PriceEntryInput } from '@aimux/ai-core'

/**
 * Ollama has no built-in prices: a local model costs nothing. The `prices` option (USD per
 * million tokens by model name, for a hosted Ollama that charges) as the adapter's price entries.
 */
export function ollamaPrices(prices: Record<string, ModelPrice>): PriceEntryInput[] {
  return Object.entries(prices).map(([model, price]) => ({ provider: 'ollama', model, price }))
}

/** The price a listed model gets: its configured price, else zero. */
export function ollamaModelPrice(prices: Record<string, ModelPrice>, model: string): ModelPrice {
  return prices[model] ?? { input: 0, output: 0 }
}
