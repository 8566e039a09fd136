import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import { computeCost } from '../cost/cost.js'
import type { PriceCatalog } from '../cost/price-catalog.js'
import { normalizeUsage } from '../cost/usage.js'
import { BudgetExceededError, ConfigError } from '../errors/errors.js'
import type { EventBus } from '../events/event-bus.js'
import { heuristicEstimator, outputAllowance } from '../spec/context-window.js'
import type { ProviderRequest, TokenEstimator } from '../spec/provider.js'
import type { RequestLimits } from '../spec/request.js'
import type { Scope } from '../spec/scope.js'
import type { CatalogStore } from '../store/catalog-store.js'
import type { SpendKey, SpendStore } from '../store/spend-store.js'
import { type BudgetEntry, budgetEntries, periodEnd } from './budget-keys.js'
import { type BudgetLeases, spendLate } from './budget-leases.js'
import { type BudgetStatus, budgetStatus, refusalMessage } from './budget-status.js'
import type { ModelCall } from './middleware.js'

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

export { periodStart } from './budget-keys.js'

/** A call's reservation: the budgets it counts against, and when it stops counting if never settled. */
export interface Reservation {
  id: string
  keys: BudgetEntry[]
  expiresAt: Date
  /** Held in one of this process's leases (a call's), not in the store itself (a batch's). */
  leased?: boolean
}

/**
 * The longest a reservation is held by default (15 minutes): a process killed between reserving
 * and settling keeps a budget's room taken at most this long.
 */
export const DEFAULT_RESERVATION_MAX_MS = 15 * 60_000
/** How long a reservation outlives its call's deadline, for the settlement to arrive. */
export const RESERVATION_MARGIN_MS = 60_000

/**
 * What a call is expected to cost: its prompt, counted by `estimator` (the model's local tokenizer
 * when its adapter has one, else four characters a token), plus its whole output allowance.
 */
export function estimateCost(
  request: ProviderRequest,
  provider: string,
  prices: PriceCatalog,
  outputTokens: number,
  estimator: TokenEstimator = heuristicEstimator,
) {
  const inputTokens = estimator.prompt(request.messages, request.tools)
  return computeCost(normalizeUsage({ inputTokens, outputTokens }), prices.resolve(provider, request.model))
    .nanoUsd
}

/**
 * Budgets over the store's spend counters: before a request, its estimated cost is reserved
 * against every budget it belongs to, atomically (all or none), and a hard budget that would be
 * passed refuses the call before anything is sent; afterwards the reservation is settled to what
 * the call really cost, and every threshold passed emits 'budget:threshold' once per period, in
 * the order they were crossed. A reservation expires at the call's deadline plus a margin, at
 * most `reservationMaxMs` after it was made, so one whose process died stops counting.
 */
export function createBudgetGuard(deps: {
  budgets: readonly Budget[]
  spend: SpendStore
  /** Where calls reserve instead of `spend`, when given: slices of the budgets spent locally. */
  leases?: BudgetLeases
  catalog: CatalogStore
  prices: PriceCatalog
  events: EventBus
  /** 'refuse' (the default): a call to a model without a price is refused under a hard budget. */
  unpricedModels?: UnpricedModels
  /** The longest a reservation is held; default DEFAULT_RESERVATION_MAX_MS. */
  reservationMaxMs?: number
  /** The prompt counter for a provider's model (tokenEstimatorFor); default four characters a token. */
  estimatorFor?: (provider: string, model: string) => TokenEstimator
  now?: () => Date
}) {
  const { budgets, spend, leases, events } = deps
  /** The spend as this process sees it: the store's, and what its leases spent and hold. */
  const view = leases ?? spend
  const now = deps.now ?? (() => new Date())
  const maxMs = deps.reservationMaxMs ?? DEFAULT_RESERVATION_MAX_MS
  const info = (entry: BudgetEntry, spent: number) => ({
    ...entry.key,
    spentNanoUsd: spent,
    limitNanoUsd: entry.limitNanoUsd,
  })
  /** Threshold checks run one after another, so their events come in the order spend crossed them. */
  let thresholdChecks = Promise.resolve()

  async function emitThresholds(reservation: Reservation): Promise<void> {
    for (const entry of reservation.keys) {
      if (entry.budget.thresholds.length === 0) continue
      const { spentNanoUsd } = await view.getSpend(entry.key)
      for (const threshold of [...entry.budget.thresholds].sort((a, b) => a - b)) {
        if (spentNanoUsd < threshold * entry.limitNanoUsd) break
        if (await spend.markThreshold(entry.key, threshold)) {
          events.emit('budget:threshold', { ...info(entry, spentNanoUsd), threshold })
        }
      }
    }
  }

  /** When a call's reservation stops counting: its deadline plus a margin, at most `reservationMaxMs` after `at`. */
  function callExpiry(at: Date, deadline: number | undefined): Date {
    const latest = at.getTime() + maxMs
    return new Date(deadline === undefined ? latest : Math.min(deadline + RESERVATION_MARGIN_MS, latest))
  }

  /** Reserves `estimateNanoUsd` against `keys` (all or none) until `expiresAt`, or throws BudgetExceededError. */
  async function hold(
    requestId: string,
    keys: BudgetEntry[],
    estimateNanoUsd: number,
    expiresAt: Date,
    subject: 'call' | 'batch' = 'call',
  ): Promise<Reservation> {
    const leased = leases !== undefined && subject === 'call'
    const result = await (leased ? leases : spend).reserve({
      reservationId: requestId,
      amountNanoUsd: estimateNanoUsd,
      keys: keys.map((k) => (k.budget.hard ? { key: k.key, limitNanoUsd: k.limitNanoUsd } : { key: k.key })),
      expiresAt,
    })
    if (!result.ok) {
      const entry = keys.find((k) => JSON.stringify(k.key) === JSON.stringify(result.key))!
      events.emit('budget:exceeded', {
        ...info(entry, result.spentNanoUsd),
        requestId,
        estimatedNanoUsd: estimateNanoUsd,
      })
      throw new BudgetExceededError(
        refusalMessage(
          result.key,
          result.spentNanoUsd + result.reservedNanoUsd,
          result.limitNanoUsd,
          estimateNanoUsd,
          subject,
        ),
        { requestId, ...renewsIn(result.key) },
      )
    }
    return leased ? { id: requestId, keys, expiresAt, leased } : { id: requestId, keys, expiresAt }
  }

  /** A refusal's `retryAfterMs`: until the refusing budget's period ends; none for a total budget. */
  const renewsIn = (key: SpendKey): { retryAfterMs?: number } => {
    const end = periodEnd(key.period, key.periodStart)
    return end ? { retryAfterMs: Math.max(0, end.getTime() - now().getTime()) } : {}
  }

  /**
   * A model's most output tokens from the catalog, for the estimate of a call that sets none: read
   * from the store at most once a minute a model (a sync's new maximum counts within a minute).
   */
  const maxOutputs = new LRUCache<string, { tokens: number | undefined }>({ max: 1_000, ttl: 60_000 })
  async function maxOutput(provider: string, model: string): Promise<number | undefined> {
    const ref = `${provider}:${model}`
    let known = maxOutputs.get(ref)
    if (!known) {
      known = { tokens: (await deps.catalog.getModel(provider, model))?.maxOutputTokens }
      maxOutputs.set(ref, known)
    }
    return known.tokens
  }

  /** True when a hard budget among `keys` cannot hold a call to `provider:model`: it has no price. */
  const refusesUnpriced = (keys: readonly BudgetEntry[], provider: string, model: string) =>
    deps.unpricedModels !== 'allow' &&
    keys.some((k) => k.budget.hard) &&
    !deps.prices.resolve(provider, model)

  return {
    /**
     * Whether any budget can apply to a request with these limits: the instance has budgets, or
     * the request brings its own. When not, a request skips the guard and pays nothing for it.
     */
    appliesTo(limits: RequestLimits | undefined): boolean {
      return budgets.length > 0 || (limits?.budgets?.length ?? 0) > 0
    },

    /**
     * Throws the same ConfigError as `reserve()` when a call is about to be handed over to a model
     * without a price (a fallback: its reservation was made for the model it leaves) and a hard
     * budget applies to its scope. `failure` is the error that made it move, when one did.
     */
    admitFallback(next: ModelCall, from: ModelCall, failure?: unknown): void {
      if (budgets.length === 0 && !next.limits?.budgets?.length) return
      const { requestId, scope } = next.ctx
      const provider = next.provider.id
      const model = next.request.model
      if (!refusesUnpriced(budgetEntries(budgets, scope, now(), next.limits), provider, model)) return
      const ref = `${from.provider.id}:${from.request.model}`
      throw unpricedError({ requestId, provider, model, from: { ref, failure } })
    },

    /**
     * Reserves the call's estimate, or throws BudgetExceededError (or a ConfigError for a model
     * without a price); undefined when no budget applies. `deadline` is when the call will have
     * been stopped (milliseconds since the epoch), when it has one. The budgets of the request's
     * `limits` are reserved in the same step as the instance's, on the key's own counters.
     */
    async reserve(
      requestId: string,
      scope: Scope,
      request: ProviderRequest,
      provider: string,
      deadline?: number,
      limits?: RequestLimits,
    ): Promise<Reservation | undefined> {
      const at = now()
      const keys = budgetEntries(budgets, scope, at, limits)
      if (keys.length === 0) return undefined
      if (refusesUnpriced(keys, provider, request.model))
        throw unpricedError({ requestId, provider, model: request.model })
      const outputTokens =
        request.maxOutputTokens ?? outputAllowance(undefined, await maxOutput(provider, request.model))
      const estimator = deps.estimatorFor?.(provider, request.model)
      const estimateNanoUsd = estimateCost(request, provider, deps.prices, outputTokens, estimator)
      return hold(requestId, keys, estimateNanoUsd, callExpiry(at, deadline))
    },

    /**
     * Reserves an embedding request's estimate, its input tokens at the model's input price (an
     * embedding has no output), as `reserve()` does a chat call's.
     */
    async reserveInput(
      requestId: string,
      scope: Scope,
      call: { provider: string; model: string; inputTokens: number },
      deadline?: number,
      limits?: RequestLimits,
    ): Promise<Reservation | undefined> {
      const at = now()
      const keys = budgetEntries(budgets, scope, at, limits)
      if (keys.length === 0) return undefined
      const { provider, model, inputTokens } = call
      if (refusesUnpriced(keys, provider, model)) throw unpricedError({ requestId, provider, model })
      const usage = normalizeUsage({ inputTokens })
      const estimateNanoUsd = computeCost(usage, deps.prices.resolve(provider, model)).nanoUsd
      return hold(requestId, keys, estimateNanoUsd, callExpiry(at, deadline))
    },

    /**
     * Reserves a batch job's estimate until `expiresAt` (its completion window and a margin,
     * longer than a call's reservation may last), refused as a call is; undefined when no budget
     * applies to `scope`, and `estimate` is then never asked.
     */
    async reserveBatch(
      id: string,
      scope: Scope,
      job: { provider: string; model: string; expiresAt: Date },
      estimate: () => Promise<number>,
    ): Promise<Reservation | undefined> {
      const keys = budgetEntries(budgets, scope, now())
      if (keys.length === 0) return undefined
      const { provider, model } = job
      if (refusesUnpriced(keys, provider, model)) throw unpricedError({ requestId: id, provider, model })
      return hold(id, keys, await estimate(), job.expiresAt, 'batch')
    },

    /**
     * Replaces the reservation by what the call really cost. When it expired before the call
     * ended, the store no longer has it: the cost is then spent on its budgets without it.
     */
    async settle(reservation: Reservation, actualNanoUsd: number): Promise<void> {
      try {
        await (reservation.leased && leases ? leases : spend).settle(reservation.id, actualNanoUsd)
      } catch (error) {
        if (now().getTime() < reservation.expiresAt.getTime()) throw error
        // Settled at once: its expiry only matters if this process dies in between, and must not
        // come first however short reservationMaxMs is.
        const expiresAt = new Date(now().getTime() + Math.max(maxMs, RESERVATION_MARGIN_MS))
        await spendLate(spend, `${reservation.id}:late`, reservation.keys, actualNanoUsd, expiresAt)
      }
    },

    /** Emits 'budget:threshold' for each threshold the settled spend passed for the first time. */
    checkThresholds(reservation: Reservation): Promise<void> {
      const check = thresholdChecks.then(() => emitThresholds(reservation))
      thresholdChecks = check.catch(() => {})
      return check
    },

    /**
     * Where each budget that applies to `scope` (and, given `limits`, each of theirs) stands now;
     * expired reservations are not counted.
     */
    status(scope: Scope, limits?: RequestLimits): Promise<BudgetStatus[]> {
      const entries = budgetEntries(budgets, scope, now(), limits)
      return Promise.all(entries.map(async (entry) => budgetStatus(entry, await view.getSpend(entry.key))))
    },

    /** Returns this process's leases to the store: what their calls spent is spent there. */
    async flush(): Promise<void> {
      await leases?.flush()
    },
  }
}

export type BudgetGuard = ReturnType<typeof createBudgetGuard>

/** What a hard budget does with a call to a model without a price: refuse it, or let it through at cost 0. */
export type UnpricedModels = 'refuse' | 'allow'

/**
 * The refusal of a call a hard budget cannot hold: its model has no price. For a fallback, the
 * message names the model the call leaves and the cause is the failure that made it leave.
 */
function unpricedError(refused: {
  requestId: string
  provider: string
  model: string
  from?: { ref: string; failure?: unknown }
}): ConfigError {
  const { requestId, provider, model, from } = refused
  const what = from
    ? `The fallback model '${provider}:${model}' has no price, so a hard budget cannot hold its cost; ` +
      `the call on '${from.ref}' was not handed over to it. `
    : `The model '${provider}:${model}' has no price, so a hard budget cannot hold its cost; nothing was sent. `
  return new ConfigError(
    what +
      `Price it with createAI({ prices: [{ provider: '${provider}', model: '${model}', price: { input, output } }] }) ` +
      `(USD per million tokens), run ai.models.sync() if the provider publishes its prices, ` +
      `or set createAI({ unpricedModels: 'allow' }) to let calls to unpriced models through at cost 0.`,
    from?.failure === undefined
      ? { requestId, provider, model }
      : { requestId, provider, model, cause: from.failure },
  )
}
