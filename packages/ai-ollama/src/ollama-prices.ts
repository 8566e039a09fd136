import type { ModelPrice, PriceEntryInput } from '@aimux/ai-core'

/**
 * A local model costs nothing: every Ollama model is priced at zero (model `'*'`, the catalog's
 * entry for every model without a price of its own), so none counts as unpriced under a budget.
 * The `prices` option (USD per million tokens by model name, for a hosted Ollama that charges)
 * adds the adapter's price entries for the models it names.
 */
export function ollamaPrices(prices: Record<string, ModelPrice>): PriceEntryInput[] {
  return [
    { provider: 'ollama', model: '*', price: { input: 0, output: 0 } },
    ...Object.entries(prices).map(([model, price]) => ({ provider: 'ollama', model, price })),
  ]
}

/** The price a listed model gets: its configured price, else zero. */
export function ollamaModelPrice(prices: Record<string, ModelPrice>, model: string): ModelPrice {
  return prices[model] ?? { input: 0, output: 0 }
}
