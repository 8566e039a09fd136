import type { Cost } from '../cost/cost.js'
import type { Usage } from '../cost/usage.js'
import type { AimuxError } from '../errors/errors.js'
import type { CallContext } from '../spec/call-context.js'
import type { FinishReason } from '../spec/provider.js'
import type { Scope } from '../spec/scope.js'
import type { BudgetPeriod, BudgetScope } from '../store/spend-store.js'

interface CallInfo {
  requestId: string
  provider: string
  model: string
  scope: Scope
  step: number
  /**
   * 'embed' for a batch of `ai.embed()` (`step` is then the batch, 1-based, and a 'response' says
   * finishReason 'stop'); absent for a chat model call.
   */
  operation?: 'embed'
}

/**
 * Every event aimux emits, with its payload. Listeners run on a later turn of the event loop, so
 * they never delay the call, and an error they throw never reaches it.
 */
export interface AimuxEvents {
  /** A model call is about to be sent. */
  request: CallInfo & { stream: boolean; attempt: number }
  /**
   * A model call answered. For a stream, `timeToFirstTokenMs` is the time from the call's start
   * until its first part reached the caller (absent when none did).
   */
  response: CallInfo & {
    finishReason: FinishReason
    usage: Usage
    latencyMs: number
    stream: boolean
    timeToFirstTokenMs?: number
  }
  /** What a model call cost. */
  cost: CallInfo & { usage: Usage; cost: Cost }
  /**
   * A model call went through whose model has no price (none of its own, its base model's or its
   * provider's): it counts as cost 0. Add a price with `createAI({ prices })`.
   */
  'cost:unpriced': CallInfo & { usage: Usage }
  /**
   * A model call's stream ended without saying what it used: its usage is zeros and its cost
   * (source 'unknown', `estimated: true`) an estimate from its prompt and reply, which budgets count.
   */
  'cost:unknown': CallInfo & { usage: Usage; cost: Cost }
  /** A call failed (after whatever retries and fallbacks there were). */
  error: { requestId: string; provider?: string; model?: string; scope: Scope; error: AimuxError }
  /** A tool ran in the tool loop. */
  'tool:call': { requestId: string; toolName: string; toolCallId: string; durationMs: number; ok: boolean }
  'models:synced': { models: number; providers: string[]; failed: { provider: string; error: AimuxError }[] }
  /** A call met a rate limit: it waits `retryAfterMs` for room ('wait') or fails ('reject'). */
  'rate-limit': {
    requestId: string
    scope: string
    id: string
    limit: string
    max: number
    retryAfterMs: number
    action: 'wait' | 'reject'
  }
  /** A request named a model group: `order` is the group's models as its strategy ranked them. */
  route: { requestId: string; group: string; strategy: string; order: string[] }
  /** The response cache was asked for this call's answer. */
  cache: CallInfo & { hit: boolean }
  /** A failed attempt will be retried after `delayMs`. */
  retry: CallInfo & { attempt: number; delayMs: number; error: AimuxError }
  /** A provider and model's circuit changed state. */
  'circuit:state': {
    provider: string
    model: string
    from: CircuitState
    to: CircuitState
    failureRate: number
  }
  /** The call moved to another model: `from` failed (or was filtered) and `to` is tried next. */
  'provider:switched': { requestId: string; from: string; to: string; reason: string; step: number }
  /** A budget's spend passed one of its thresholds (once per threshold and period). */
  'budget:threshold': BudgetInfo & { threshold: number }
  /** A call was refused before it was sent because its estimate would pass a hard budget. */
  'budget:exceeded': BudgetInfo & { requestId: string; estimatedNanoUsd: number }
  /** A plugin's or sink's background work failed; the call it belonged to was not affected. */
  'background:error': { source: string; error: unknown }
}

export type CircuitState = 'closed' | 'open' | 'half-open'

interface BudgetInfo {
  scope: BudgetScope
  scopeId: string
  period: BudgetPeriod
  periodStart: string
  spentNanoUsd: number
  limitNanoUsd: number
}

export type AimuxEventName = keyof AimuxEvents
export type AimuxListener<E extends AimuxEventName> = (payload: AimuxEvents[E]) => void | Promise<void>

/** Builds the common fields of a call's events. */
export function callInfo(ctx: CallContext, provider: string, model: string): CallInfo {
  return { requestId: ctx.requestId, provider, model, scope: ctx.scope, step: ctx.step }
}
