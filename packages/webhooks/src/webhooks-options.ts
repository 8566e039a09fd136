import { validateOptions } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'

export interface WebhookEndpoint {
  /** Where deliveries are POSTed: an http or https URL. */
  url: string
  /** Signs each delivery (HMAC-SHA256); the receiver verifies with the same. Never logged or stored. */
  secret: string
  /** The events delivered to it: 'budget:threshold', 'budget:exceeded', 'provider:switched', 'circuit:state', 'cost', 'error', ... */
  events: string[]
  /**
   * Names the endpoint in the outbox and in `ai.webhooks.deliveries()`; default its URL's origin
   * and path. Keep it stable: an instance delivers only the stored deliveries of endpoints it knows.
   */
  id?: string
}

export interface WebhooksOptions {
  endpoints: WebhookEndpoint[]
  /** Attempts before a delivery is dead-lettered; default 8. */
  maxAttempts?: number
  /** Exponential backoff between attempts, with jitter: the first delay and the largest; default 1 s and 1 h. */
  backoff?: { baseMs?: number; maxMs?: number }
  /** How long one attempt may take before it counts as failed; default 10 s. */
  timeoutMs?: number
  /** How often the outbox is checked for due deliveries, besides right after an event; default 1 s. */
  pollMs?: number
  /** Deliveries claimed at once; default 16. */
  batchSize?: number
  /** How long a claim lasts before another instance may take the delivery over; default timeoutMs × 3. */
  leaseMs?: number
  /**
   * false: this instance only writes deliveries to the outbox and never sends them; another
   * instance on the same store (with the same endpoints) delivers them. Default true.
   */
  deliver?: boolean
  /** The clock for due times and signatures; default the system clock (tests pass a fake one). */
  now?: () => Date
  /** The fetch used to POST; default the global fetch. */
  fetch?: typeof fetch
}

const positiveMs = z.number().int().positive()

const endpointSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  secret: z.string().min(8, 'must be at least 8 characters'),
  events: z.array(z.string().min(1)).min(1, 'name at least one event'),
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.:/-]+$/, 'letters, digits and . _ : / - only')
    .optional(),
})

const optionsSchema = z.strictObject({
  endpoints: z
    .array(endpointSchema)
    .min(1, 'give at least one endpoint')
    .transform((endpoints) =>
      endpoints.map((endpoint) => {
        const url = new URL(endpoint.url)
        return { ...endpoint, id: endpoint.id ?? `${url.origin}${url.pathname}` }
      }),
    )
    .refine((endpoints) => new Set(endpoints.map((e) => e.id)).size === endpoints.length, {
      message: 'two endpoints have the same id; give each an id of its own',
    }),
  maxAttempts: z.number().int().min(1).max(100).default(8),
  backoff: z
    .strictObject({ baseMs: positiveMs.default(1_000), maxMs: positiveMs.default(3_600_000) })
    .default({ baseMs: 1_000, maxMs: 3_600_000 }),
  timeoutMs: positiveMs.default(10_000),
  pollMs: positiveMs.default(1_000),
  batchSize: z.number().int().min(1).max(1_000).default(16),
  leaseMs: positiveMs.optional(),
  deliver: z.boolean().default(true),
  now: z.custom<() => Date>((v) => typeof v === 'function', 'must be a function').optional(),
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function').optional(),
})

export type ParsedWebhooksOptions = z.output<typeof optionsSchema>

/** The options, checked: a wrong one is a ConfigError naming its field (never a secret's value). */
export function parseWebhooksOptions(options: unknown): ParsedWebhooksOptions {
  return validateOptions(optionsSchema, options, 'webhooks')
}
