import { usdToNano } from '../cost/money.js'
import type { RequestLimits } from '../spec/request.js'
import type { Scope } from '../spec/scope.js'
import type { BudgetPeriod, SpendKey } from '../store/spend-store.js'
import type { Budget } from './budget-guard.js'

/** A budget that applies to a call, with the spend counter it counts on now. */
export interface BudgetEntry {
  key: SpendKey
  /** What the guard does with it: refuse past the limit (hard), and emit at these thresholds. */
  budget: Pick<Budget, 'hard' | 'thresholds'>
  limitNanoUsd: number
}

const DAY_MS = 86_400_000
/** The period starts of the UTC day asked about last: every call of a day asks for the same ones. */
let today: { day: number; starts: Partial<Record<BudgetPeriod, string>> } = { day: Number.NaN, starts: {} }

/** The UTC start of the period that contains `at`: a day, a week from Monday, a month, or all time. */
export function periodStart(period: BudgetPeriod, at: Date): string {
  const day = Math.floor(at.getTime() / DAY_MS)
  if (day !== today.day) today = { day, starts: {} }
  let start = today.starts[period]
  if (start === undefined) {
    start = startOf(period, at)
    today.starts[period] = start
  }
  return start
}

function startOf(period: BudgetPeriod, at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
  if (period === 'total') return '1970-01-01'
  if (period === 'month') day.setUTCDate(1)
  if (period === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return day.toISOString().slice(0, 10)
}

/**
 * When the period that started on `start` (a UTC date, as periodStart() writes it) ends and the
 * budget renews: a day, a week or a month later. A 'total' budget never renews: undefined.
 */
export function periodEnd(period: BudgetPeriod, start: string): Date | undefined {
  if (period === 'total') return undefined
  const [year, month, day] = start.split('-').map(Number) as [number, number, number]
  if (period === 'month') return new Date(Date.UTC(year, month, 1))
  return new Date(Date.UTC(year, month - 1, day + (period === 'week' ? 7 : 1)))
}

/** Who in `scope` a budget counts for, or undefined when it does not apply to the scope. */
function scopeId(budget: Budget, scope: Scope): string | undefined {
  const id =
    budget.scope === 'global'
      ? 'global'
      : budget.scope === 'user'
        ? scope.userId
        : budget.scope === 'project'
          ? scope.projectId
          : scope.tenantId
  return id !== undefined && (budget.id === undefined || budget.id === id) ? id : undefined
}

/**
 * Every budget that applies to a call in `scope` made at `at`, in the order they were given: the
 * instance's, then those of the request's `limits` on the key's own counters.
 */
export function budgetEntries(
  budgets: readonly Budget[],
  scope: Scope,
  at: Date,
  limits?: RequestLimits,
): BudgetEntry[] {
  const entries = instanceEntries(budgets, scope, at)
  if (!limits?.budgets) return entries
  for (const budget of limits.budgets) {
    const key: SpendKey = {
      scope: 'key',
      scopeId: limits.key,
      period: budget.period,
      periodStart: periodStart(budget.period, at),
    }
    entries.push({
      key,
      budget: { hard: budget.hard ?? true, thresholds: budget.thresholds ?? [] },
      limitNanoUsd: usdToNano(budget.limitUsd),
    })
  }
  return entries
}

function instanceEntries(budgets: readonly Budget[], scope: Scope, at: Date): BudgetEntry[] {
  const entries: BudgetEntry[] = []
  for (const budget of budgets) {
    const id = scopeId(budget, scope)
    if (id === undefined) continue
    const key: SpendKey = {
      scope: budget.scope,
      scopeId: id,
      period: budget.period,
      periodStart: periodStart(budget.period, at),
    }
    entries.push({ key, budget, limitNanoUsd: usdToNano(budget.limitUsd) })
  }
  return entries
}
