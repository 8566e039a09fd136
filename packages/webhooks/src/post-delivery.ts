import { redactSecrets } from '@aimux/ai-core/provider-kit'
import { parseRetryAfter } from './retry-delay.js'
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature.js'

export type DeliveryOutcome =
  | { ok: true; status: number }
  | { ok: false; error: string; status?: number; retryAfterMs?: number }
  /** The plugin was disposed during the attempt: its lease runs out and the delivery is tried again later. */
  | { ok: false; stopped: true }

export interface PostDelivery {
  id: string
  url: string
  secret: string
  body: string
  now: Date
  timeoutMs: number
  /** Aborted when the plugin is disposed. */
  stop: AbortSignal
  fetch: typeof fetch
}

/**
 * One attempt: POSTs the body, signed for this attempt's time, and says how it went. A 2xx is
 * delivered; anything else, a timeout or a network error fails with a summary that names no
 * secret (nor the URL, whose query may hold a token).
 */
export async function postDelivery(delivery: PostDelivery): Promise<DeliveryOutcome> {
  const timestamp = Math.floor(delivery.now.getTime() / 1000)
  const timeout = AbortSignal.timeout(delivery.timeoutMs)
  try {
    const response = await delivery.fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'aimux-webhooks',
        [DELIVERY_ID_HEADER]: delivery.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(delivery.body, delivery.secret, timestamp),
      },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, delivery.stop]),
    })
    // The answer's body is not needed; reading it lets the connection be reused.
    await response.arrayBuffer().catch(() => undefined)
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status }
    const retryAfterMs =
      response.status === 429 || response.status === 503
        ? parseRetryAfter(response.headers.get('retry-after'), delivery.now)
        : undefined
    return {
      ok: false,
      status: response.status,
      error: `HTTP ${response.status}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }
  } catch (error) {
    if (delivery.stop.aborted) return { ok: false, stopped: true }
    if (timeout.aborted) return { ok: false, error: `no answer within ${delivery.timeoutMs} ms` }
    return { ok: false, error: summary(error, delivery) }
  }
}

/** A network error as a short line: its message and its cause's code, with the secret and URL masked. */
function summary(error: unknown, delivery: PostDelivery): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : ''
  const text = `${redactSecrets(error)}${code}`.slice(0, 500)
  return redactSecrets(text, [delivery.secret, delivery.url])
}
