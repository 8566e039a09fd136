import { z } from 'zod'

/** Retries with exponential backoff and full jitter; Retry-After wins when the provider sends it. */
export const retryPolicySchema = z.strictObject({
  /** Attempts per model, the first included. Default 3. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** The backoff before the second attempt; it doubles each time, up to maxDelayMs. Default 500. */
  baseDelayMs: z.number().int().min(0).default(500),
  /**
   * The longest wait between attempts. Default 30000. A provider that asks for a longer wait
   * (Retry-After) is not asked again early: the call moves to its next fallback model, or fails.
   */
  maxDelayMs: z.number().int().min(0).default(30_000),
})
export type RetryPolicy = z.output<typeof retryPolicySchema>

/** One timeout in milliseconds; `false` or 0 turns it off (kept as 0). */
const timeoutMs = z
  .union([z.number().int().min(0), z.literal(false)])
  .transform((value) => (value === false ? 0 : value))

/**
 * The timeouts of a request; each is on by default (see `defaultTimeouts`), and `false` or 0
 * turns one off. A request's own settings win over the instance's, field by field.
 */
export const timeoutPolicySchema = z.strictObject({
  /** How long one attempt may take to answer (for a stream: to its first part). */
  attemptMs: timeoutMs.optional(),
  /** For a stream, the longest wait for each part after the first. */
  idleMs: timeoutMs.optional(),
  /** How long the whole request may take, retries, fallbacks and tool steps included. */
  totalMs: timeoutMs.optional(),
})
export type TimeoutPolicy = z.output<typeof timeoutPolicySchema>

/**
 * The timeouts an instance has unless its options say otherwise. The providers' SDKs would wait
 * 10 minutes per attempt, three attempts in a row; these bound a call that hangs at every stage:
 * - attemptMs, 5 minutes: room for a long answer that is not streamed, or for a reasoning model
 *   to think before its first part, yet half of what the SDKs allow.
 * - idleMs, 60 seconds: a stream that has started sends parts (or the provider's keep-alives)
 *   far more often; a minute of silence is a stalled connection.
 * - totalMs, 10 minutes: a whole request, every retry, fallback and tool step included.
 */
export const defaultTimeouts = { attemptMs: 300_000, idleMs: 60_000, totalMs: 600_000 } as const

/** An instance's timeouts: its options over `defaultTimeouts`; 0 is off. */
export function withDefaultTimeouts(timeout: TimeoutPolicy = {}): Required<TimeoutPolicy> {
  return {
    attemptMs: timeout.attemptMs ?? defaultTimeouts.attemptMs,
    idleMs: timeout.idleMs ?? defaultTimeouts.idleMs,
    totalMs: timeout.totalMs ?? defaultTimeouts.totalMs,
  }
}

/**
 * What the retry, attempt-timeout, fallback and response-cache middleware read for one call: the
 * instance's defaults, overridden by the request.
 */
export interface CallPolicy {
  retry: RetryPolicy | false
  /** How long one attempt may take to answer; 0 or undefined for no limit. */
  attemptTimeoutMs?: number
  /** For a stream, the longest wait for each part after the first; 0 or undefined for no limit. */
  idleTimeoutMs?: number
  /** The models to try, in order, when the requested one fails; undefined uses the instance's chains. */
  fallbacks?: string[]
  /** False when the request opted out of the response cache. */
  cache?: boolean
}

/** Full jitter: a random wait between 0 and the capped exponential backoff for this attempt. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(random() * ceiling)
}
