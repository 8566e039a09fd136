import { type BudgetStatus, formatUsd } from '@aimux/ai-core'

/** Who a budget is for: "user u1", "tenant acme", "global". */
export function budgetOwner(budget: BudgetStatus): string {
  return budget.scope === 'global' ? 'global' : `${budget.scope} ${budget.scopeId}`
}

/** One budget in a line: "user u1, month: $4.99 of $5.00 left". */
export function describeBudget(budget: BudgetStatus): string {
  const [remaining, limit] = [formatUsd(budget.remainingNanoUsd), formatUsd(budget.limitNanoUsd)]
  return `${budgetOwner(budget)}, ${budget.period}: ${remaining} of ${limit} left${budget.hard ? '' : ' (soft)'}`
}

/**
 * How much of the limit is used (spent, then reserved by calls still running), as a bar of
 * `width` cells: "█" spent, "▒" reserved, "░" left. Cells are rounded down, so the bar is full
 * only once the limit is reached.
 */
export function budgetBar(budget: BudgetStatus, width = 20): string {
  const limit = Math.max(budget.limitNanoUsd, 1)
  const cells = (nano: number) => Math.min(width, Math.floor((nano * width) / limit))
  const spent = cells(budget.spentNanoUsd)
  const reserved = Math.min(width - spent, cells(budget.reservedNanoUsd))
  return '█'.repeat(spent) + '▒'.repeat(reserved) + '░'.repeat(width - spent - reserved)
}

/** The share of the limit spent or reserved, "42%". */
export function budgetShare(budget: BudgetStatus): string {
  const used = budget.spentNanoUsd + budget.reservedNanoUsd
  return `${budget.limitNanoUsd === 0 ? 100 : Math.floor((used * 100) / budget.limitNanoUsd)}%`
}
