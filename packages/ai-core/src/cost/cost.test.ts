import { describe, expect, it } from 'vitest'
import { addCost, computeCost, reportedCost, zeroCost } from './cost.js'
import { formatUsd, usdToNano } from './money.js'
import { createPriceCatalog } from './price-catalog.js'
import { normalizeUsage } from './usage.js'

const gpt4oMini = { input: 0.15, cachedInput: 0.075, output: 0.6 }

describe('computeCost', () => {
  it('prices uncached input, cache reads, cache writes, output and reasoning at their own rates', () => {
    const usage = normalizeUsage({
      inputTokens: 10_000,
      cachedInputTokens: 4_000,
      cacheWriteTokens: 1_000,
      outputTokens: 2_000,
      reasoningTokens: 500,
    })
    const cost = computeCost(usage, {
      input: 3,
      cachedInput: 0.3,
      cacheWrite: 3.75,
      output: 15,
      reasoning: 20,
    })
    expect(cost.breakdown).toEqual({
      inputNanoUsd: 5_000 * 3_000, // 5,000 uncached tokens at $3/M = $0.015
      cachedInputNanoUsd: 4_000 * 300,
      cacheWriteNanoUsd: 1_000 * 3_750,
      outputNanoUsd: 1_500 * 15_000,
      reasoningNanoUsd: 500 * 20_000,
    })
    expect(cost.nanoUsd).toBe(15_000_000 + 1_200_000 + 3_750_000 + 22_500_000 + 10_000_000)
    expect(cost.usd).toBe(0.05245)
    expect(cost.source).toBe('catalog')
  })

  it('falls back to the input rate for cache reads and writes and to the output rate for reasoning', () => {
    const usage = normalizeUsage({
      inputTokens: 100,
      cachedInputTokens: 40,
      outputTokens: 50,
      reasoningTokens: 20,
    })
    const cost = computeCost(usage, { input: 1, output: 2 })
    expect(cost.nanoUsd).toBe(100 * 1_000 + 50 * 2_000)
  })

  it('prices the whole request at the tier rates above a prompt-size threshold', () => {
    const price = {
      input: 1.25,
      output: 10,
      tiers: [
        { aboveInputTokens: 200_000, input: 2.5, output: 15 },
        { aboveInputTokens: 100_000, input: 2 },
      ],
    }
    const small = computeCost(normalizeUsage({ inputTokens: 200_000, outputTokens: 1_000 }), price)
    expect(small.nanoUsd).toBe(200_000 * 2_000 + 1_000 * 10_000) // 100k tier: input 2, output falls back to 10
    const large = computeCost(normalizeUsage({ inputTokens: 200_001, outputTokens: 1_000 }), price)
    expect(large.nanoUsd).toBe(200_001 * 2_500 + 1_000 * 15_000)
    const base = computeCost(normalizeUsage({ inputTokens: 100_000, outputTokens: 0 }), price)
    expect(base.nanoUsd).toBe(100_000 * 1_250)
  })

  it('is zero and says unpriced for a model without a price', () => {
    expect(computeCost(normalizeUsage({ inputTokens: 5 }), undefined)).toEqual({
      nanoUsd: 0,
      usd: 0,
      source: 'unpriced',
    })
  })

  it('stays exact over a million additions where floats drift', () => {
    const one = computeCost(
      normalizeUsage({ inputTokens: 7, cachedInputTokens: 3, outputTokens: 11 }),
      gpt4oMini,
    )
    let total = zeroCost('catalog')
    let floats = 0
    for (let i = 0; i < 1_000_000; i++) {
      total = addCost(total, one)
      floats += one.usd
    }
    expect(one.nanoUsd).toBe(4 * 150 + Math.round(3 * 75) + 11 * 600)
    expect(total.nanoUsd).toBe(one.nanoUsd * 1_000_000)
    expect(floats).not.toBe((one.nanoUsd * 1_000_000) / 1e9)
    expect(formatUsd(total.nanoUsd)).toBe('$7.425')
  })

  it('keeps a provider-reported cost as it is, and marks sums of different sources as mixed', () => {
    const reported = reportedCost(usdToNano(0.000123))
    expect(reported).toEqual({ nanoUsd: 123_000, usd: 0.000123, source: 'provider' })
    const sum = addCost(reported, computeCost(normalizeUsage({ inputTokens: 1_000 }), gpt4oMini))
    expect(sum.nanoUsd).toBe(123_000 + 150_000)
    expect(sum.source).toBe('mixed')
    expect(sum.breakdown).toBeUndefined()
  })
})

describe('formatUsd', () => {
  it('formats nano-USD exactly', () => {
    expect(formatUsd(0)).toBe('$0.00')
    expect(formatUsd(1_234)).toBe('$0.000001234')
    expect(formatUsd(1_500_000_000)).toBe('$1.50')
    expect(formatUsd(-2_000_000_001)).toBe('-$2.000000001')
  })
})

describe('price catalog', () => {
  it('uses the price in force when the call was made', () => {
    const catalog = createPriceCatalog()
    catalog.add(
      [
        { provider: 'openai', model: 'gpt-x', price: { input: 1, output: 2 } },
        {
          provider: 'openai',
          model: 'gpt-x',
          effectiveFrom: '2026-06-01T00:00:00Z',
          price: { input: 0.5, output: 1 },
        },
      ],
      'builtin',
    )
    expect(catalog.resolve('openai', 'gpt-x', new Date('2026-05-31T23:59:59Z'))?.input).toBe(1)
    expect(catalog.resolve('openai', 'gpt-x', new Date('2026-06-01T00:00:00Z'))?.input).toBe(0.5)
    expect(catalog.resolve('openai', 'gpt-y')).toBeUndefined()
  })

  it('lets user prices win over synced ones and synced over built-in, whatever their dates', () => {
    const catalog = createPriceCatalog()
    catalog.add(
      [{ provider: 'p', model: 'm', effectiveFrom: '2026-01-01', price: { input: 1, output: 1 } }],
      'builtin',
    )
    catalog.add([{ provider: 'p', model: 'm', price: { input: 2, output: 2 } }], 'synced')
    expect(catalog.resolve('p', 'm')?.input).toBe(2)
    catalog.add([{ provider: 'p', model: 'm', price: { input: 3, output: 3 } }], 'user')
    expect(catalog.resolve('p', 'm')?.input).toBe(3)
  })

  it('rejects a negative price naming the field', () => {
    const catalog = createPriceCatalog()
    expect(() =>
      catalog.add([{ provider: 'p', model: 'm', price: { input: -1, output: 1 } }], 'user'),
    ).toThrow(/price\.input/)
  })
})
