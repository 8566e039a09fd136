import { AimuxError } from '@aimux/ai-core'
import { redactSecrets } from '@aimux/ai-core/provider-kit'

/** The JSON body of a delivery. */
export interface WebhookPayload {
  /** The delivery's id, also in the `aimux-webhook-id` header. */
  id: string
  /** The event's name. */
  type: string
  /** When the event happened, ISO 8601. */
  createdAt: string
  /** The event's payload, made JSON-safe: errors as `{ name, code, message, status, ... }`. */
  data: unknown
}

/** An error as a delivery shows it: what it is and why, its message masked, never its cause. */
function errorData(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: redactSecrets(error.message) }
  if (AimuxError.is(error)) {
    Object.assign(fields, {
      code: error.code,
      status: error.status,
      provider: error.provider,
      model: error.model,
      retryable: error.retryable,
      requestId: error.requestId,
    })
  }
  return fields
}

/**
 * The event's payload as plain JSON: errors reduced to their name, code, status and masked
 * message; Dates as ISO strings; bigints as decimal strings; functions and symbols left out.
 */
export function jsonSafe(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object') return undefined
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Error) return JSON.parse(JSON.stringify(errorData(value)))
  if (seen.has(value)) return undefined
  seen.add(value)
  try {
    if (Array.isArray(value)) return value.map((item) => jsonSafe(item, seen) ?? null)
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const safe = jsonSafe(item, seen)
      if (safe !== undefined) out[key] = safe
    }
    return out
  } finally {
    seen.delete(value)
  }
}

/** The body a delivery POSTs, as text: signed and stored exactly so, the same on every attempt. */
export function webhookBody(payload: WebhookPayload): string {
  return JSON.stringify(payload)
}
