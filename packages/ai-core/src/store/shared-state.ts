import type { ProviderResult } from '../spec/provider.js'

// The state ports of the rate limiter, the response cache and the circuit breaker. ai-core keeps
// this state in memory, per instance; @aimux/redis implements the same ports so that several
// instances (several gateway processes, say) share one rate-limit window, one cache and one
// circuit per model. Each method may answer synchronously (the in-memory versions do, so a call
// pays no promise hop for them) or with a promise. Times are the caller's clock, in milliseconds
// since the epoch. Both implementations pass the same stateConformance() suite from ai-testing.
// The middleware keeps the policy (which limits apply, what to emit, when to throw); a port only
// keeps the numbers. A shared implementation that cannot reach its server rejects (a StoreError):
// the middleware fails the call for `acquire` and `admit` (a limit is never skipped) and reports
// the others as 'background:error' (a cache or an outcome that cannot be written never fails it).

export type MaybePromise<T> = T | Promise<T>

/** One limit to check: a counter (e.g. 'user:u1', 'key:vk_1'), a window, what it counts, and the most allowed. */
export interface RateLimitCheck {
  key: string
  window: 'minute' | 'day'
  kind: 'requests' | 'tokens'
  max: number
}

export type RateLimitDecision =
  | { ok: true }
  /** `check` is the index of the check that needs the longest wait; `waitMs` is that wait. */
  | { ok: false; check: number; waitMs: number }

/**
 * Sliding-window counters: a minute counted in buckets of a second, a day in buckets of a minute.
 * A counter's windows are those its checks name. Bucket `i` of a window holds what was counted at
 * times in [i * bucket, (i + 1) * bucket) and leaves the window at (i + 1) * bucket + span; a
 * check's wait is the time until enough of its oldest buckets have left for its count to be below
 * its max. Among checks that wait equally long, the first is answered.
 */
export interface RateLimitState {
  /**
   * Atomically: when every check has room at `at` (what its window counts is below its max),
   * counts one request on each distinct (key, window) the checks name and answers ok; otherwise
   * counts nothing and answers the check that needs the longest wait, and how long. Safe across
   * processes for a shared implementation: N instances together never admit more than max.
   */
  acquire(checks: readonly RateLimitCheck[], at: number): MaybePromise<RateLimitDecision>
  /**
   * Counts tokens on each distinct (key, window) the checks name (once, however many checks name
   * it), once a call has ended: the next acquire of a 'tokens' check sees them.
   */
  addTokens(checks: readonly RateLimitCheck[], tokens: number, at: number): MaybePromise<void>
}

/**
 * Complete answers, kept for `ttlMs`; a shared cache serves one instance's answer to another.
 * Keys are hex digests of the provider, the tenant and the whole request. What `get` answers is
 * the caller's own copy: changing it changes nothing kept. An implementation may drop answers
 * early to bound its size (the in-memory one keeps `maxEntries`, least recently used dropped).
 */
export interface ResponseCacheState {
  get(key: string): MaybePromise<ProviderResult | undefined>
  set(key: string, result: ProviderResult, ttlMs: number): MaybePromise<void>
}

export type CircuitPosition = 'closed' | 'open' | 'half-open'

/** The breaker's settings, as the middleware was given them. */
export interface CircuitSettings {
  failureRate: number
  minRequests: number
  windowMs: number
  openMs: number
}

/** A change of a circuit's position, to be emitted as 'circuit:state' by the instance that made it. */
export interface CircuitChange {
  from: CircuitPosition
  to: CircuitPosition
  failureRate: number
}

export type CircuitAdmission =
  /** `trial` is true when this call is the one trial call of a half-open circuit. */
  | { ok: true; trial: boolean; changes: readonly CircuitChange[] }
  /** Refused: the circuit is open (`retryAfterMs` until it half-opens), or half-open with its trial out (0). */
  | { ok: false; retryAfterMs: number; changes: readonly CircuitChange[] }

/**
 * One circuit per key ('provider:model'): closed while the failure rate of the outcomes recorded
 * over the last `windowMs` (those at a time after `at - windowMs`) stays below `failureRate`, or
 * fewer than `minRequests` were recorded; open for `openMs` once it passes (an outcome recorded
 * while open that keeps the rate past it opens it again from then); then half-open, admitting
 * exactly one trial call (across every instance sharing the state), which closes the circuit on
 * success, with a fresh window holding only its outcome, and opens it again on failure. A shared
 * implementation should give up a trial its process never recorded nor released (the process
 * died) once it has been out for a long while, so that a crash cannot hold a circuit half-open.
 */
export interface CircuitState {
  /** Whether a call may go now; moves an open circuit whose time is up to half-open. */
  admit(key: string, settings: CircuitSettings, at: number): MaybePromise<CircuitAdmission>
  /** Records a call's outcome (`trial` as admit answered); answers the changes it made. */
  record(
    key: string,
    outcome: { ok: boolean; trial: boolean },
    settings: CircuitSettings,
    at: number,
  ): MaybePromise<readonly CircuitChange[]>
  /**
   * A half-open circuit's trial call ended without an outcome that says anything about the
   * provider (a refused request, an abort): frees its slot, so that the next call is the trial.
   * Counts nothing and changes no position.
   */
  release(key: string, settings: CircuitSettings, at: number): MaybePromise<void>
}

/**
 * What a plugin registers with `host.registerSharedState()`; a port left out stays in memory.
 * `close()` runs once, when the instance closes, after every plugin was disposed.
 */
export interface SharedState {
  /** Names the implementation in errors ('redis', 'memory'). */
  name: string
  rateLimits?: RateLimitState
  responseCache?: ResponseCacheState
  circuits?: CircuitState
  close?(): Promise<void>
}
