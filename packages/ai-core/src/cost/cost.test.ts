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

  it('prices 1-hour cache writes at their own rate, the other writes at the 5-minute rate', () => {
    // Anthropic: a 5-minute write is 1.25x the input rate, a 1-hour write 2x.
    const price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 }
    const usage = normalizeUsage({
      inputTokens: 10_000,
      cachedInputTokens: 2_000,
      cacheWriteTokens: 3_000,
      cacheWrite1hTokens: 1_000,
      outputTokens: 100,
    })
    const cost = computeCost(usage, price)
    expect(cost.breakdown).toEqual({
      inputNanoUsd: 5_000 * 3_000,
      cachedInputNanoUsd: 2_000 * 300,
      cacheWriteNanoUsd: 2_000 * 3_750 + 1_000 * 6_000, // $0.0075 of 5-minute and $0.006 of 1-hour writes
      outputNanoUsd: 100 * 15_000,
      reasoningNanoUsd: 0,
    })
    expect(cost.nanoUsd).toBe(15_000_000 + 600_000 + 13_500_000 + 1_500_000)
    // Without a 1-hour rate, every write is at the cache write rate, then at the input rate.
    const { cacheWrite1h: _oneHour, ...fiveMinuteOnly } = price
    expect(computeCost(usage, fiveMinuteOnly).breakdown?.cacheWriteNanoUsd).toBe(3_000 * 3_750)
    expect(computeCost(usage, { input: 3, output: 15 }).breakdown?.cacheWriteNanoUsd).toBe(3_000 * 3_000)
  })

  it('takes the 1-hour write rate above its threshold, and stays exact at fractional rates', () => {
    const price = {
      input: 0.8,
      output: 4,
      cacheWrite: 1,
      cacheWrite1h: 1.6,
      tiers: [{ aboveInputTokens: 1_000, input: 1.6, cacheWrite: 2, cacheWrite1h: 3.2 }],
    }
    const usage = (input: number) =>
      normalizeUsage({ inputTokens: input, cacheWriteTokens: 7, cacheWrite1hTokens: 3 })
    expect(computeCost(usage(1_000), price).breakdown?.cacheWriteNanoUsd).toBe(
      Math.round((4 * 1_000_000) / 1000) + Math.round((3 * 1_600_000) / 1000),
    )
    expect(computeCost(usage(1_001), price).breakdown?.cacheWriteNanoUsd).toBe(4 * 2_000 + 3 * 3_200)
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

describe('computeCost at the edges', () => {
  it('never charges a negative count: cache parts above the input, reasoning above the output', () => {
    const usage = normalizeUsage({
      inputTokens: 10,
      cachedInputTokens: 8,
      cacheWriteTokens: 5,
      outputTokens: 3,
      reasoningTokens: 4,
    })
    expect(
      computeCost(usage, { input: 1, cachedInput: 0.5, cacheWrite: 2, output: 4, reasoning: 8 }).breakdown,
    ).toEqual({
      inputNanoUsd: 0,
      cachedInputNanoUsd: 8 * 500,
      cacheWriteNanoUsd: 5 * 2_000,
      outputNanoUsd: 0,
      reasoningNanoUsd: 4 * 8_000,
    })
  })

  it('rounds each part to the nearest nano-USD, and rates to whole micro-USD per million', () => {
    // One token at $0.0015 per million is 1.5 nano-USD: rounded to 2.
    expect(computeCost(normalizeUsage({ inputTokens: 1 }), { input: 0.0015, output: 0 }).nanoUsd).toBe(2)
    // 1.4 nano-USD rounds down.
    expect(computeCost(normalizeUsage({ inputTokens: 1 }), { input: 0.0014, output: 0 }).nanoUsd).toBe(1)
    // A rate below half a micro-USD per million is 0.
    expect(computeCost(normalizeUsage({ inputTokens: 1_000 }), { input: 0.0000004, output: 0 }).nanoUsd).toBe(
      0,
    )
    expect(computeCost(normalizeUsage({ inputTokens: 1_000 }), { input: 0.0000006, output: 0 }).nanoUsd).toBe(
      1,
    )
  })

  it('picks the highest tier the prompt passes, whatever order the tiers are listed in', () => {
    const price = {
      input: 1,
      output: 10,
      tiers: [
        { aboveInputTokens: 1_000, input: 2 },
        { aboveInputTokens: 5_000, input: 3, output: 30 },
        { aboveInputTokens: 2_000, input: 2.5 },
      ],
    }
    const at = (inputTokens: number) =>
      computeCost(normalizeUsage({ inputTokens, outputTokens: 1 }), price).nanoUsd
    expect(at(1_000)).toBe(1_000 * 1_000 + 10_000)
    expect(at(1_500)).toBe(1_500 * 2_000 + 10_000)
    expect(at(3_000)).toBe(3_000 * 2_500 + 10_000)
    expect(at(6_000)).toBe(6_000 * 3_000 + 30_000)
  })

  it("keeps the base rate for a rate a tier leaves undefined, and the tier's own cache rates", () => {
    const price = {
      input: 1,
      cachedInput: 0.1,
      output: 10,
      tiers: [{ aboveInputTokens: 100, input: 2, cachedInput: 0.2, output: undefined }],
    }
    const cost = computeCost(
      normalizeUsage({ inputTokens: 200, cachedInputTokens: 100, outputTokens: 5 }),
      price,
    )
    expect(cost.breakdown).toEqual({
      inputNanoUsd: 100 * 2_000,
      cachedInputNanoUsd: 100 * 200,
      cacheWriteNanoUsd: 0,
      outputNanoUsd: 5 * 10_000,
      reasoningNanoUsd: 0,
    })
  })
})

describe('addCost', () => {
  const price = { input: 1, cachedInput: 0.5, cacheWrite: 2, output: 4, reasoning: 8 }
  const a = computeCost(
    normalizeUsage({
      inputTokens: 10,
      cachedInputTokens: 2,
      cacheWriteTokens: 3,
      outputTokens: 7,
      reasoningTokens: 2,
    }),
    price,
  )
  const b = computeCost(
    normalizeUsage({
      inputTokens: 20,
      cachedInputTokens: 4,
      cacheWriteTokens: 1,
      outputTokens: 9,
      reasoningTokens: 5,
    }),
    price,
  )

  it('adds two catalog costs part by part, keeping the breakdown and the source', () => {
    const sum = addCost(a, b)
    expect(sum).toEqual({
      nanoUsd: a.nanoUsd + b.nanoUsd,
      usd: (a.nanoUsd + b.nanoUsd) / 1e9,
      source: 'catalog',
      breakdown: {
        inputNanoUsd: 5_000 + 15_000,
        cachedInputNanoUsd: 1_000 + 2_000,
        cacheWriteNanoUsd: 6_000 + 2_000,
        outputNanoUsd: 20_000 + 16_000,
        reasoningNanoUsd: 16_000 + 40_000,
      },
    })
    expect(sum).not.toHaveProperty('estimated')
  })

  it('names the source of a sum: the same one, unknown when either is, else mixed', () => {
    expect(addCost(zeroCost('cache'), zeroCost('cache')).source).toBe('cache')
    expect(addCost(zeroCost('cache'), a).source).toBe('mixed')
    expect(addCost(a, zeroCost('unpriced')).source).toBe('mixed')
    expect(addCost(zeroCost('unknown'), a).source).toBe('unknown')
    expect(addCost(a, zeroCost('unknown')).source).toBe('unknown')
    expect(addCost(reportedCost(5), zeroCost('unknown'))).toEqual({
      nanoUsd: 5,
      usd: 5e-9,
      source: 'unknown',
    })
  })

  it('drops the breakdown when either part has none, keeping the exact total', () => {
    const sum = addCost(a, reportedCost(1_000))
    expect(sum).toEqual({ nanoUsd: a.nanoUsd + 1_000, usd: (a.nanoUsd + 1_000) / 1e9, source: 'mixed' })
    expect(addCost(reportedCost(1_000), a)).toEqual(sum)
  })
})

describe('zeroCost and reportedCost', () => {
  it('is unpriced by default, and a reported cost keeps its exact amount', () => {
    expect(zeroCost()).toEqual({ nanoUsd: 0, usd: 0, source: 'unpriced' })
    expect(reportedCost(1_500_000_000)).toEqual({ nanoUsd: 1_500_000_000, usd: 1.5, source: 'provider' })
  })
})
