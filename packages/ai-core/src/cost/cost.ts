import { nanoToUsd } from './money.js'
import type { ModelPrice, Rates } from './price-catalog.js'
import type { Usage } from './usage.js'

/**
 * - catalog: computed from the price catalog
 * - provider: reported by the provider itself (wins over the catalog)
 * - unpriced: the model has no price; the amount is 0
 * - unknown: the provider did not say what the call used (a stream that ended without its usage);
 *   the amount is an estimate (`estimated: true`), and a sum with such a part is unknown too
 * - cache: served from the response cache; nothing was spent
 * - mixed: a sum over calls of different sources
 */
export type CostSource = 'catalog' | 'provider' | 'unpriced' | 'unknown' | 'cache' | 'mixed'

/** What a call cost, in exact nano-USD. `usd` is the same amount as a number, for display. */
export interface Cost {
  nanoUsd: number
  usd: number
  source: CostSource
  /** True when the amount is an estimate, not computed from the usage the provider reported. */
  estimated?: true
  /** Per token kind, when the cost was computed from the catalog; absent for a reported cost. */
  breakdown?: CostBreakdown
}

export interface CostBreakdown {
  inputNanoUsd: number
  cachedInputNanoUsd: number
  cacheWriteNanoUsd: number
  outputNanoUsd: number
  reasoningNanoUsd: number
}

/** Rates per million tokens, in whole micro-USD, so that tokens x rate is an exact integer. */
function micro(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1_000_000)
}

/** nano-USD for `tokens` at a rate in USD per million tokens, rounded to the nearest nano-USD. */
function charge(tokens: number, usdPerMillion: number): number {
  return Math.round((tokens * micro(usdPerMillion)) / 1000)
}

function ratesFor(price: ModelPrice, inputTokens: number): Rates {
  const tier = [...(price.tiers ?? [])]
    .sort((a, b) => b.aboveInputTokens - a.aboveInputTokens)
    .find((t) => inputTokens > t.aboveInputTokens)
  if (!tier) return price
  const { aboveInputTokens: _threshold, ...rates } = tier
  const defined = Object.fromEntries(Object.entries(rates).filter(([, v]) => v !== undefined))
  return { ...price, ...defined }
}

function fromBreakdown(source: CostSource, breakdown: CostBreakdown): Cost {
  const nanoUsd =
    breakdown.inputNanoUsd +
    breakdown.cachedInputNanoUsd +
    breakdown.cacheWriteNanoUsd +
    breakdown.outputNanoUsd +
    breakdown.reasoningNanoUsd
  return { nanoUsd, usd: nanoToUsd(nanoUsd), source, breakdown }
}

export function zeroCost(source: CostSource = 'unpriced'): Cost {
  return { nanoUsd: 0, usd: 0, source }
}

/**
 * The cost of `usage` at `price`: uncached input, cache reads and cache writes each at their
 * own rate (1-hour writes at cacheWrite1h, the others at cacheWrite; both in cacheWriteNanoUsd);
 * output less reasoning at the output rate, reasoning at the reasoning rate.
 */
export function computeCost(usage: Usage, price: ModelPrice | undefined): Cost {
  if (!price) return zeroCost('unpriced')
  const rates = ratesFor(price, usage.inputTokens)
  const uncached = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens)
  const writeRate = rates.cacheWrite ?? rates.input
  const oneHour = Math.min(usage.cacheWrite1hTokens ?? 0, usage.cacheWriteTokens)
  return fromBreakdown('catalog', {
    inputNanoUsd: charge(uncached, rates.input),
    cachedInputNanoUsd: charge(usage.cachedInputTokens, rates.cachedInput ?? rates.input),
    cacheWriteNanoUsd:
      charge(usage.cacheWriteTokens - oneHour, writeRate) + charge(oneHour, rates.cacheWrite1h ?? writeRate),
    outputNanoUsd: charge(Math.max(0, usage.outputTokens - usage.reasoningTokens), rates.output),
    reasoningNanoUsd: charge(usage.reasoningTokens, rates.reasoning ?? rates.output),
  })
}

/** A cost the provider reported itself (it wins over the catalog); it carries no breakdown. */
export function reportedCost(nanoUsd: number): Cost {
  return { nanoUsd, usd: nanoToUsd(nanoUsd), source: 'provider' }
}

export function addCost(a: Cost, b: Cost): Cost {
  const sum = sumOf(a, b)
  return a.estimated || b.estimated ? { ...sum, estimated: true } : sum
}

function sumOf(a: Cost, b: Cost): Cost {
  const source =
    a.source === 'unknown' || b.source === 'unknown' ? 'unknown' : a.source === b.source ? a.source : 'mixed'
  const x = a.breakdown
  const y = b.breakdown
  if (!x || !y) {
    const nanoUsd = a.nanoUsd + b.nanoUsd
    return { nanoUsd, usd: nanoToUsd(nanoUsd), source }
  }
  return fromBreakdown(source, {
    inputNanoUsd: x.inputNanoUsd + y.inputNanoUsd,
    cachedInputNanoUsd: x.cachedInputNanoUsd + y.cachedInputNanoUsd,
    cacheWriteNanoUsd: x.cacheWriteNanoUsd + y.cacheWriteNanoUsd,
    outputNanoUsd: x.outputNanoUsd + y.outputNanoUsd,
    reasoningNanoUsd: x.reasoningNanoUsd + y.reasoningNanoUsd,
  })
}

/**
 * What a call whose usage went unreported probably cost: `usage` (estimated by the caller) at
 * `price`, marked as an estimate of source 'unknown'; 0 when the model has no price either.
 */
export function estimatedCost(usage: Usage, price: ModelPrice | undefined): Cost {
  const { breakdown: _breakdown, ...cost } = computeCost(usage, price)
  return { ...cost, source: 'unknown', estimated: true }
}
