import type { CallPolicy } from './policy.js'
import type { Scope } from './scope.js'

/** Credentials for one call, chosen by a credential resolver (the rotation plugin) if one is registered. */
export interface Credentials {
  apiKey?: string
  baseURL?: string
  organization?: string
  project?: string
  headers?: Record<string, string>
  /** The stored connection these credentials belong to, recorded on the usage record. */
  connectionId?: string
}

/** What every middleware and the adapter see of the call in flight. */
export interface CallContext {
  requestId: string
  scope: Scope
  /** Aborts the HTTP request when the caller aborts, a timeout fires or a stream is abandoned. */
  signal: AbortSignal
  /** Epoch milliseconds after which the call must give up, when a total timeout is set. */
  deadline?: number
  /** 1 for a model's first attempt; each retry raises it. A fallback model starts again at 1. */
  attempt: number
  /** Which step of a tool loop this model call is (1-based). */
  step: number
  credentials?: Credentials
  conversationId?: string
  /**
   * Retry, attempt timeout, fallback and cache settings for this call, read by the retry,
   * attempt-timeout, fallback and response-cache middleware.
   */
  policy?: CallPolicy
  metadata: Record<string, unknown>
}

/** A context for a call outside a request (model sync, credential checks): empty scope, step 1. */
export function newContext(
  requestId: string,
  signal: AbortSignal = new AbortController().signal,
): CallContext {
  return { requestId, scope: {}, signal, attempt: 1, step: 1, metadata: {} }
}

/**
 * The signal an adapter hands its SDK for this call. Every call can be aborted (by the caller, its
 * timeouts, a stream left early, or `ai.close()` at its deadline), so this is `ctx.signal`.
 */
export function sdkSignal(ctx: Pick<CallContext, 'signal'>): AbortSignal {
  return ctx.signal
}
