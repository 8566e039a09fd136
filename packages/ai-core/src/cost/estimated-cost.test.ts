import { describe, expect, it } from 'vitest'
import { addCost, computeCost, estimatedCost } from './cost.js'
import { normalizeUsage } from './usage.js'

describe('estimated costs', () => {
  const price = { input: 1, output: 2 }

  it('prices an estimate like a catalog cost, marked unknown and estimated', () => {
    const usage = normalizeUsage({ inputTokens: 1_000, outputTokens: 500 })
    expect(estimatedCost(usage, price)).toEqual({
      nanoUsd: computeCost(usage, price).nanoUsd,
      usd: 0.002,
      source: 'unknown',
      estimated: true,
    })
  })

  it('makes any sum with an estimated part unknown and estimated', () => {
    const known = computeCost(normalizeUsage({ inputTokens: 1_000 }), price)
    const guess = estimatedCost(normalizeUsage({ outputTokens: 1_000 }), price)
    expect(addCost(known, guess)).toEqual({
      nanoUsd: 3_000_000,
      usd: 0.003,
      source: 'unknown',
      estimated: true,
    })
    expect(addCost(guess, known)).toMatchObject({ source: 'unknown', estimated: true })
    expect(addCost(known, known)).not.toHaveProperty('estimated')
  })
})
