import { describe, expect, it } from 'vitest'
import { formatUsdAligned } from './money.js'

describe('formatUsdAligned', () => {
  it('gives amounts side by side the same number of decimals, each exact', () => {
    expect(formatUsdAligned([12_300_000, 10_000_000])).toEqual(['$0.0123', '$0.0100'])
    expect(formatUsdAligned([1_500_000_000, 2_000_000_000])).toEqual(['$1.50', '$2.00'])
    expect(formatUsdAligned([1_234, 5_000_000_000])).toEqual(['$0.000001234', '$5.000000000'])
  })
})
