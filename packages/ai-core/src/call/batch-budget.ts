import type { PriceCatalog } from '../cost/price-catalog.js'
import type { EventBus } from '../events/event-bus.js'
import { type BudgetGuard, estimateCost } from '../middleware/budget-guard.js'
import { outputAllowance } from '../spec/context-window.js'
import type { ProviderRequest, TokenEstimator } from '../spec/provider.js'
import type { Scope } from '../spec/scope.js'
import type { BatchReservation } from '../store/batch-store.js'
import type { CatalogStore } from '../store/catalog-store.js'
import type { SpendStore } from '../store/spend-store.js'

/**
 * How long a job's reservation outlives the provider's completion window: time for a caller
 * polling now and then to fetch the results before the room it holds is let go.
 */
export const BATCH_RESERVATION_MARGIN_MS = 60 * 60_000

export interface BatchBudgetDeps {
  spend: SpendStore
  catalog: CatalogStore
  events: EventBus
  guard: BudgetGuard | undefined
  now: () => Date
}

/**
 * Reserves a job's estimate (every request at batch rates) on the budgets of its scope, all or
 * none, until `expiresAt` (its completion window and a margin, longer than a call's reservation
 * may last). Undefined when no budget applies; refused as a call is (a BudgetExceededError, or a
 * ConfigError for an unpriced model under a hard budget), and nothing is submitted.
 */
export async function reserveBatch(
  deps: BatchBudgetDeps,
  job: {
    id: string
    scope: Scope
    provider: string
    model: string
    requests: readonly ProviderRequest[]
    prices: PriceCatalog
    estimator: TokenEstimator
    expiresAt: Date
  },
): Promise<BatchReservation | undefined> {
  const { guard } = deps
  if (!guard) return undefined
  const { provider, model } = job
  let amountNanoUsd = 0
  const held = await guard.reserveBatch(job.id, job.scope, job, async () => {
    const modelMaximum = (await deps.catalog.getModel(provider, model))?.maxOutputTokens
    for (const request of job.requests) {
      const outputTokens = outputAllowance(request.maxOutputTokens, modelMaximum)
      amountNanoUsd += estimateCost(request, provider, job.prices, outputTokens, job.estimator)
    }
    return amountNanoUsd
  })
  if (!held) return undefined
  return {
    id: held.id,
    amountNanoUsd,
    keys: held.keys.map(({ key, budget, limitNanoUsd }) => ({
      key,
      budget: { hard: budget.hard, thresholds: [...budget.thresholds] },
      limitNanoUsd,
    })),
    expiresAt: held.expiresAt,
  }
}

/**
 * Replaces the reservation by what the job's requests cost (a reservation that expired first is
 * spent without it), then emits the thresholds passed. Never rejects: a failure is reported as a
 * 'background:error'.
 */
export async function settleBatch(
  deps: BatchBudgetDeps,
  reservation: BatchReservation,
  actualNanoUsd: number,
): Promise<void> {
  const { guard } = deps
  if (!guard) return
  try {
    await guard.settle(reservation, actualNanoUsd)
    await guard.checkThresholds(reservation)
  } catch (error) {
    deps.events.emit('background:error', { source: 'batch budget settlement', error })
  }
}

/** Lets a failed job's reservation go; one that expired already holds nothing. */
export async function releaseBatch(deps: BatchBudgetDeps, reservation: BatchReservation): Promise<void> {
  try {
    await deps.spend.release(reservation.id)
  } catch (error) {
    if (deps.now().getTime() < reservation.expiresAt.getTime())
      deps.events.emit('background:error', { source: 'batch budget release', error })
  }
}
