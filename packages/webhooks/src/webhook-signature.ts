import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'aimux-signature'
/** The header that carries the delivery's id, the same on every attempt: the idempotency key. */
export const DELIVERY_ID_HEADER = 'aimux-webhook-id'
/** The header that carries the attempt's time, in unix seconds (the `t` of the signature). */
export const TIMESTAMP_HEADER = 'aimux-webhook-timestamp'

/** The hex HMAC-SHA256 of `<timestamp>.<body>` with `secret`. */
function digest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/** The `aimux-signature` header of `body` sent at `timestamp` (unix seconds). */
export function signWebhook(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${digest(secret, timestamp, body)}`
}

export interface VerifyWebhookSignatureOptions {
  /** The request body exactly as received (the raw text, not parsed and serialized again). */
  body: string | Uint8Array
  /** The `aimux-signature` header. */
  header: string | null | undefined
  secret: string
  /** How old (or how far ahead) the signature's time may be; default 300 seconds. */
  toleranceSeconds?: number
  /** The receiver's clock; default now. */
  now?: Date
}

export type WebhookSignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' | 'expired' }

/**
 * Checks a delivery's `aimux-signature` header: a `v1` HMAC-SHA256 of `<t>.<body>` with the
 * endpoint's secret (compared in constant time) and a time `t` within `toleranceSeconds` of now,
 * so a captured request cannot be replayed later. Deduplicate on `aimux-webhook-id` as well: a
 * delivery may arrive more than once.
 *
 * @example
 * const check = verifyWebhookSignature({ body: rawBody, header: req.headers['aimux-signature'], secret })
 * if (!check.ok) return res.writeHead(400).end(check.reason)
 */
export function verifyWebhookSignature(options: VerifyWebhookSignatureOptions): WebhookSignatureCheck {
  const { header, secret, toleranceSeconds = 300, now = new Date() } = options
  if (!header) return { ok: false, reason: 'missing' }
  const fields = new Map<string, string[]>()
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    if (at <= 0) return { ok: false, reason: 'malformed' }
    const key = part.slice(0, at).trim()
    fields.set(key, [...(fields.get(key) ?? []), part.slice(at + 1).trim()])
  }
  const t = fields.get('t')?.[0]
  const signatures = fields.get('v1') ?? []
  if (t === undefined || !/^\d+$/.test(t) || signatures.length === 0)
    return { ok: false, reason: 'malformed' }
  const timestamp = Number(t)
  const body = typeof options.body === 'string' ? options.body : Buffer.from(options.body).toString('utf8')
  const expected = Buffer.from(digest(secret, timestamp, body), 'hex')
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  if (!matches) return { ok: false, reason: 'mismatch' }
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds)
    return { ok: false, reason: 'expired' }
  return { ok: true, timestamp }
}
