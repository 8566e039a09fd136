import { z } from 'zod'
import { computeCost } from '../cost/cost.js'
import { usdToNano } from '../cost/money.js'
import type { PriceCatalog } from '../cost/price-catalog.js'
import { normalizeUsage } from '../cost/usage.js'
import { BudgetExceededError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import { estimatePromptTokens, outputAllowance } from '../spec/context-window.js'
import type { ProviderRequest } from '../spec/provider.js'
import type { Scope } from '../spec/scope.js'
import type { CatalogStore } from '../store/catalog-store.js'
import type { BudgetPeriod, SpendKey, SpendStore } from '../store/spend-store.js'

export const budgetSchema = z.strictObject({
  /** Who the budget is for: each user, project or tenant separately, or everyone together. */
  scope: z.enum(['user', 'project', 'tenant', 'global']),
  /** Only this user, project or tenant; without it the budget applies to each one on its own. */
  id: z.string().min(1).optional(),
  limitUsd: z.number().positive(),
  period: z.enum(['day', 'week', 'month', 'total']),
  /** Fractions of the limit that emit 'budget:threshold' once per period, e.g. [0.8, 0.9, 1]. */
  thresholds: z.array(z.number().gt(0).max(1)).default([]),
  /** Refuse a call whose estimated cost would pass the limit. Default true; false only watches. */
  hard: z.boolean().default(true),
})
export type BudgetInput = z.input<typeof budgetSchema>
export type Budget = z.output<typeof budgetSchema>

/** The UTC start of the period that contains `at`: a day, a week from Monday, a month, or all time. */
export function periodStart(period: BudgetPeriod, at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
  if (period === 'total') return '1970-01-01'
  if (period === 'month') day.setUTCDate(1)
  if (period === 'week') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return day.toISOString().slice(0, 10)
}

export interface Reservation {
  id: string
  keys: { key: SpendKey; budget: Budget; limitNanoUsd: number }[]
}

/** What a call is expected to cost: its prompt (estimated) plus its whole output allowance. */
export function estimateCost(
  request: ProviderRequest,
  provider: string,
  prices: PriceCatalog,
  outputTokens: number,
) {
  const inputTokens = estimatePromptTokens(request.messages)
  return computeCost(normalizeUsage({ inputTokens, outputTokens }), prices.resolve(provider, request.model))
    .nanoUsd
}

/**
 * Budgets over the store's spend counters: before a request, its estimated cost is reserved
 * against every budget it belongs to, atomically (all or none), and a hard budget that would be
 * passed refuses the call before anything is sent; afterwards the reservation is settled to what
 * the call really cost, and every threshold passed emits 'budget:threshold' once per period.
 */
export function createBudgetGuard(deps: {
  budgets: readonly Budget[]
  spend: SpendStore
  catalog: CatalogStore
  prices: PriceCatalog
  events: EventBus
  now?: () => Date
}) {
  const { budgets, spend, events } = deps
  const now = deps.now ?? (() => new Date())
  const scopeId = (budget: Budget, scope: Scope): string | undefined => {
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
  const info = (entry: Reservation['keys'][number], spent: number) => ({
    ...entry.key,
    spentNanoUsd: spent,
    limitNanoUsd: entry.limitNanoUsd,
  })

  return {
    /** Reserves the call's estimate, or throws BudgetExceededError; undefined when no budget applies. */
    async reserve(
      requestId: string,
      scope: Scope,
      request: ProviderRequest,
      provider: string,
    ): Promise<Reservation | undefined> {
      const at = now()
      const keys = budgets.flatMap((budget) => {
        const id = scopeId(budget, scope)
        if (id === undefined) return []
        const key: SpendKey = {
          scope: budget.scope,
          scopeId: id,
          period: budget.period,
          periodStart: periodStart(budget.period, at),
        }
        return [{ key, budget, limitNanoUsd: usdToNano(budget.limitUsd) }]
      })
      if (keys.length === 0) return undefined
      const outputTokens =
        request.maxOutputTokens ??
        outputAllowance(undefined, (await deps.catalog.getModel(provider, request.model))?.maxOutputTokens)
      const estimateNanoUsd = estimateCost(request, provider, deps.prices, outputTokens)
      const result = await spend.reserve({
        reservationId: requestId,
        amountNanoUsd: estimateNanoUsd,
        keys: keys.map((k) =>
          k.budget.hard ? { key: k.key, limitNanoUsd: k.limitNanoUsd } : { key: k.key },
        ),
      })
      if (!result.ok) {
        const entry = keys.find((k) => JSON.stringify(k.key) === JSON.stringify(result.key))!
        events.emit('budget:exceeded', {
          ...info(entry, result.spentNanoUsd),
          requestId,
          estimatedNanoUsd: estimateNanoUsd,
        })
        const { scope: s, scopeId: id, period } = result.key
        throw new BudgetExceededError(
          `The ${period} budget for ${s} '${id}' would be passed: ${result.spentNanoUsd + result.reservedNanoUsd} ` +
            `of ${result.limitNanoUsd} nano-USD spent or reserved, and this call is estimated at ${estimateNanoUsd}.`,
          { requestId },
        )
      }
      return { id: requestId, keys }
    },

    /** Replaces the reservation by what the call really cost. */
    settle(reservation: Reservation, actualNanoUsd: number): Promise<void> {
      return spend.settle(reservation.id, actualNanoUsd)
    },

    /** Emits 'budget:threshold' for each threshold the settled spend passed for the first time. */
    async checkThresholds(reservation: Reservation): Promise<void> {
      for (const entry of reservation.keys) {
        if (entry.budget.thresholds.length === 0) continue
        const { spentNanoUsd } = await spend.getSpend(entry.key)
        for (const threshold of [...entry.budget.thresholds].sort((a, b) => a - b)) {
          if (spentNanoUsd < threshold * entry.limitNanoUsd) break
          if (await spend.markThreshold(entry.key, threshold)) {
            events.emit('budget:threshold', { ...info(entry, spentNanoUsd), threshold })
          }
        }
      }
    },
  }
}

export type BudgetGuard = ReturnType<typeof createBudgetGuard>
