import type { Reservation } from '../middleware/budget-guard.js'
import type { ProviderRequest } from '../spec/provider.js'
import type { StepResult } from '../spec/result.js'
import type { PreparedCall } from './prepare-call.js'
import type { Runtime } from './runtime.js'
import { type Served, sumCost } from './step-result.js'
import { usageRecord } from './usage-record.js'

/** How a request ended, as its usage record says. */
export interface Outcome {
  success: boolean
  errorCode?: string
}

/**
 * What one request has cost so far and who served it: the budget reservation made before its
 * first model call, the steps it paid for, and, once it ends, its one usage record and the
 * settlement of its reservation.
 */
export interface Accounting {
  /** Which provider, model and connection served the latest model call (after fallbacks). */
  readonly served: Served
  readonly steps: readonly StepResult[]
  /** When the request started (`performance.now()`). */
  readonly started: number
  /** True once the usage record was written. */
  readonly recorded: boolean
  serve(served: Served): void
  /** Marks the time the first part reached the caller (once). */
  firstPart(): void
  /** Adds `by` (default 1) to a named count of the usage record: what a plugin counted, not data. */
  count(name: string, by?: number): void
  /**
   * Adds a step's result, costed already (call/step-result.ts). A step whose usage went
   * unreported, costed at an estimate, emits 'cost:unknown'; a step whose model has no price
   * emits 'cost:unpriced'.
   */
  add(step: StepResult): void
  /**
   * Reserves the first model call's estimated cost on the instance's budgets and the request's
   * own (`limits`); throws BudgetExceededError when a hard budget would pass.
   */
  reserve(request: ProviderRequest, provider: string): Promise<void>
  /**
   * Writes the usage record (the first time only) and settles the reservation to what the steps
   * cost. Resolves once the settlement is stored, so the next call sees the real spend; never
   * rejects: a failure, like the budget thresholds, is handled in the background.
   */
  record(outcome: Outcome): Promise<void>
}

export function createAccounting(
  rt: Runtime,
  p: PreparedCall,
  mode: 'generate' | 'stream',
  conversationId: string | undefined,
): Accounting {
  const started = performance.now()
  const steps: StepResult[] = []
  let served: Served = { provider: p.provider.id, model: p.model }
  let firstPartAt: number | undefined
  let reservation: Reservation | undefined
  let recorded = false
  let counts: Record<string, number> | undefined
  return {
    get served() {
      return served
    },
    steps,
    started,
    get recorded() {
      return recorded
    },
    serve(next) {
      served = next
    },
    firstPart() {
      firstPartAt ??= performance.now()
    },
    count(name, by = 1) {
      if (recorded) return
      counts ??= {}
      counts[name] = (counts[name] ?? 0) + by
    },
    add(step) {
      if (step.cost.source === 'unknown') {
        // The provider never said what the call used: its cost is an estimate, not 0.
        const { provider, model, usage, cost } = step
        rt.events.emit('cost:unknown', {
          requestId: p.requestId,
          provider,
          model,
          scope: p.scope,
          step: step.step,
          usage,
          cost,
        })
      }
      steps.push(step)
      if (step.cost.source === 'unpriced') {
        const { provider, model, usage } = step
        rt.events.emit('cost:unpriced', {
          requestId: p.requestId,
          provider,
          model,
          scope: p.scope,
          step: step.step,
          usage,
        })
      }
    },
    async reserve(request, provider) {
      const { limits } = p.request
      if (!rt.budgets?.appliesTo(limits)) return
      const deadline = p.totalTimeoutMs === undefined ? undefined : Date.now() + p.totalTimeoutMs
      reservation = await rt.budgets.reserve(p.requestId, p.scope, request, provider, deadline, limits)
    },
    async record(outcome) {
      if (recorded) return
      recorded = true
      rt.usage.add({
        ...usageRecord(p, mode, steps, served, { started, firstPartAt }, conversationId),
        ...outcome,
        ...(counts ? { counts } : {}),
      })
      const held = reservation
      const budgets = rt.budgets
      if (!held || !budgets) return
      const settling = budgets.settle(held, sumCost(steps).nanoUsd)
      rt.background.run('budget settlement', async () => {
        await settling
        await budgets.checkThresholds(held)
      })
      await settling.catch(() => {})
    },
  }
}
