import { describe, expect, it } from 'vitest'
import { formatUsd, formatUsdAligned, NANO_USD_PER_USD, nanoToUsd, usdToNano } from './money.js'

describe('usdToNano and nanoToUsd', () => {
  it('converts a USD amount to the nearest whole nano-USD', () => {
    expect(NANO_USD_PER_USD).toBe(1_000_000_000)
    expect(usdToNano(1.5)).toBe(1_500_000_000)
    expect(usdToNano(0.000_001_234)).toBe(1_234)
    // 0.1 + 0.2 is 0.30000000000000004 as a float: the sum still lands on a whole nano-USD.
    expect(usdToNano(0.1 + 0.2)).toBe(300_000_000)
    expect(usdToNano(0.000_000_000_6)).toBe(1)
    expect(usdToNano(0.000_000_000_4)).toBe(0)
  })

  it('converts nano-USD back to a USD number for display', () => {
    expect(nanoToUsd(1_500_000_000)).toBe(1.5)
    expect(nanoToUsd(1_234)).toBe(0.000_001_234)
    expect(nanoToUsd(-250_000_000)).toBe(-0.25)
  })
})

describe('formatUsd', () => {
  it('keeps every significant nano-USD digit and at least two decimals', () => {
    expect(formatUsd(12_345_678_901)).toBe('$12.345678901')
    expect(formatUsd(10_000_000)).toBe('$0.01')
    expect(formatUsd(100_000_000)).toBe('$0.10')
    expect(formatUsd(1)).toBe('$0.000000001')
    expect(formatUsd(-1)).toBe('-$0.000000001')
    expect(formatUsd(-1_500_000_000)).toBe('-$1.50')
  })
})

describe('formatUsdAligned', () => {
  it('gives amounts side by side the same number of decimals, each exact', () => {
    expect(formatUsdAligned([12_300_000, 10_000_000])).toEqual(['$0.0123', '$0.0100'])
    expect(formatUsdAligned([1_500_000_000, 2_000_000_000])).toEqual(['$1.50', '$2.00'])
    expect(formatUsdAligned([1_234, 5_000_000_000])).toEqual(['$0.000001234', '$5.000000000'])
  })

  it('aligns negative amounts and amounts with more whole digits', () => {
    expect(formatUsdAligned([-1_250_000_000, 123_400_000_000])).toEqual(['-$1.25', '$123.40'])
    expect(formatUsdAligned([])).toEqual([])
  })
})
