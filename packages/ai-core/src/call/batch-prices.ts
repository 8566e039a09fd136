import { type ModelPrice, type PriceCatalog, type Rates, ratesSchema } from '../cost/price-catalog.js'

/** Every rate a price has, from its schema: a rate added there is scaled too. */
const rateNames = ratesSchema.keyof().options

/** Every rate of a price (tiers included) multiplied by `factor`: a batch price from the normal one. */
export function scalePrice(price: ModelPrice, factor: number): ModelPrice {
  const scaled = { ...price, ...scaleRates(price, factor) }
  if (price.tiers) scaled.tiers = price.tiers.map((tier) => ({ ...tier, ...scaleRates(tier, factor) }))
  return scaled
}

function scaleRates<R extends Partial<Rates>>(rates: R, factor: number): Partial<Rates> {
  const out: Partial<Rates> = {}
  for (const name of rateNames) {
    const rate = rates[name]
    // Rates are USD per million tokens, priced in whole micro-USD (cost.ts): keep them exact.
    if (rate !== undefined) out[name] = Math.round(rate * factor * 1_000_000) / 1_000_000
  }
  return out
}

/**
 * The catalog as a provider's batch jobs are priced: each model's price in force, at `factor`
 * of every rate (0.5: half price). Adding prices goes to the catalog itself.
 */
export function batchPrices(prices: PriceCatalog, factor: number): PriceCatalog {
  return {
    add: (entries, source) => prices.add(entries, source),
    resolve(provider, model, at) {
      const price = prices.resolve(provider, model, at)
      return price && scalePrice(price, factor)
    },
    list: () => prices.list(),
  }
}
