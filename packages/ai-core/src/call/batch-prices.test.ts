import { describe, expect, it } from 'vitest'
import { ratesSchema } from '../cost/price-catalog.js'
import { scalePrice } from './batch-prices.js'

describe('scalePrice', () => {
  it('scales every rate a price can have, in its tiers too, and keeps the rest', () => {
    const full = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6, reasoning: 15 }
    // Every rate of the schema is in the price above: a new one must be added here and scaled.
    expect(Object.keys(full).sort()).toEqual([...ratesSchema.keyof().options].sort())
    const scaled = scalePrice(
      { ...full, tiers: [{ aboveInputTokens: 200_000, input: 6, cacheWrite1h: 12 }] },
      0.5,
    )
    expect(scaled).toEqual({
      input: 1.5,
      output: 7.5,
      cachedInput: 0.15,
      cacheWrite: 1.875,
      cacheWrite1h: 3,
      reasoning: 7.5,
      tiers: [{ aboveInputTokens: 200_000, input: 3, cacheWrite1h: 6 }],
    })
  })

  it('keeps rates exact to the micro-USD per million tokens', () => {
    expect(scalePrice({ input: 0.15, output: 0.6, cachedInput: 0.075 }, 0.5)).toEqual({
      input: 0.075,
      output: 0.3,
      cachedInput: 0.0375,
    })
  })
})
