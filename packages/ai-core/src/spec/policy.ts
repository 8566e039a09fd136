import { z } from 'zod'

/** Retries with exponential backoff and full jitter; Retry-After wins when the provider sends it. */
export const retryPolicySchema = z.strictObject({
  /** Attempts per model, the first included. Default 3. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** The backoff before the second attempt; it doubles each time, up to maxDelayMs. Default 500. */
  baseDelayMs: z.number().int().min(0).default(500),
  /** The longest wait between attempts, Retry-After included. Default 30000. */
  maxDelayMs: z.number().int().min(0).default(30_000),
})
export type RetryPolicy = z.output<typeof retryPolicySchema>

export const timeoutPolicySchema = z.strictObject({
  /** How long one attempt may take to answer (for a stream: to its first part). */
  attemptMs: z.number().int().positive().optional(),
  /** How long the whole request may take, retries, fallbacks and tool steps included. */
  totalMs: z.number().int().positive().optional(),
})
export type TimeoutPolicy = z.output<typeof timeoutPolicySchema>

/**
 * What the retry, attempt-timeout, fallback and response-cache middleware read for one call: the
 * instance's defaults, overridden by the request.
 */
export interface CallPolicy {
  retry: RetryPolicy | false
  attemptTimeoutMs?: number
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
