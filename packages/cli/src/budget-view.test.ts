import type { BudgetStatus } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { budgetBar, budgetShare, describeBudget } from './budget-view.js'

const budget = (
  spentNanoUsd: number,
  reservedNanoUsd: number,
  limitNanoUsd = 5_000_000_000,
): BudgetStatus => {
  const remainingNanoUsd = Math.max(0, limitNanoUsd - spentNanoUsd - reservedNanoUsd)
  return {
    scope: 'user',
    scopeId: 'u1',
    period: 'month',
    periodStart: '2026-11-01',
    hard: true,
    thresholds: [0.8],
    spentNanoUsd,
    reservedNanoUsd,
    limitNanoUsd,
    remainingNanoUsd,
    spentUsd: spentNanoUsd / 1e9,
    reservedUsd: reservedNanoUsd / 1e9,
    limitUsd: limitNanoUsd / 1e9,
    remainingUsd: remainingNanoUsd / 1e9,
  }
}

describe('budget view', () => {
  it('draws spent, reserved and left, full only once the limit is reached', () => {
    expect(budgetBar(budget(2_500_000_000, 500_000_000), 10)).toBe('█████▒░░░░')
    expect(budgetBar(budget(4_999_999_999, 0), 10)).toBe('█████████░')
    expect(budgetBar(budget(5_000_000_000, 0), 10)).toBe('██████████')
    expect(budgetBar(budget(6_000_000_000, 1_000_000_000), 10)).toBe('██████████')
    expect(budgetBar(budget(0, 0), 10)).toBe('░░░░░░░░░░')
  })

  it('gives the share used and a line for /status', () => {
    expect(budgetShare(budget(2_500_000_000, 500_000_000))).toBe('60%')
    expect(describeBudget(budget(21_000, 0))).toBe('user u1, month: $4.999979 of $5.00 left')
    expect(describeBudget({ ...budget(0, 0), scope: 'global', scopeId: 'global', hard: false })).toBe(
      'global, month: $5.00 of $5.00 left (soft)',
    )
  })
})
