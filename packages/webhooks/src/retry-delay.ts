/**
 * How long to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed:
 * exponential from `baseMs`, capped at `maxMs`, with equal jitter (half fixed, half random), so
 * receivers coming back up are not hit by every sender at once. A Retry-After the receiver sent
 * (429 or 503) wins when it asks for longer, up to `maxMs`.
 */
export function retryDelay(
  attempt: number,
  backoff: { baseMs: number; maxMs: number },
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2))
  if (retryAfterMs === undefined) return jittered
  return Math.min(backoff.maxMs, Math.max(jittered, retryAfterMs))
}

/** A Retry-After header in milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1_000
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}
