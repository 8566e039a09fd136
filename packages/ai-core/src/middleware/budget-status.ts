import { formatUsdAligned, nanoToUsd } from '../cost/money.js'
import type { Spend, SpendKey } from '../store/spend-store.js'
import type { BudgetEntry } from './budget-keys.js'

/**
 * Where one budget stands for a scope in its current period: spent, reserved (by calls still
 * running), the limit and what remains of it (limit less spent and reserved, never below 0), in
 * exact nano-USD and as USD numbers for display.
 */
export interface BudgetStatus extends SpendKey {
  hard: boolean
  /** The shares of the limit at which the budget emits 'budget:threshold', lowest first. */
  thresholds: number[]
  spentNanoUsd: number
  reservedNanoUsd: number
  limitNanoUsd: number
  remainingNanoUsd: number
  spentUsd: number
  reservedUsd: number
  limitUsd: number
  remainingUsd: number
}

export function budgetStatus(entry: BudgetEntry, { spentNanoUsd, reservedNanoUsd }: Spend): BudgetStatus {
  const remainingNanoUsd = Math.max(0, entry.limitNanoUsd - spentNanoUsd - reservedNanoUsd)
  return {
    ...entry.key,
    hard: entry.budget.hard,
    thresholds: [...entry.budget.thresholds].sort((a, b) => a - b),
    spentNanoUsd,
    reservedNanoUsd,
    limitNanoUsd: entry.limitNanoUsd,
    remainingNanoUsd,
    spentUsd: nanoToUsd(spentNanoUsd),
    reservedUsd: nanoToUsd(reservedNanoUsd),
    limitUsd: nanoToUsd(entry.limitNanoUsd),
    remainingUsd: nanoToUsd(remainingNanoUsd),
  }
}

/** Why a call was refused, in dollars: "... $0.0200 of $0.0250 spent or reserved, ... $0.0150." */
export function refusalMessage(
  key: SpendKey,
  usedNanoUsd: number,
  limitNanoUsd: number,
  estimateNanoUsd: number,
  subject: 'call' | 'batch' = 'call',
): string {
  const [used, limit, estimate] = formatUsdAligned([usedNanoUsd, limitNanoUsd, estimateNanoUsd])
  return (
    `The ${key.period} budget for ${key.scope} '${key.scopeId}' would be passed: ${used} of ${limit} ` +
    `spent or reserved, and this ${subject} is estimated at ${estimate}.`
  )
}
