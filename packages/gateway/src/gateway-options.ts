import type { AI } from '@aimux/ai-core'
import { z } from 'zod'
import type { Metrics } from './metrics.js'

const isMetrics = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Metrics).handler === 'function' &&
  typeof (value as Metrics).registry === 'object'

const isAI = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AI).chat === 'function' &&
  typeof (value as AI).stream === 'function' &&
  typeof (value as AI).store === 'object'

export const gatewayOptionsSchema = z.strictObject({
  /** The aimux instance that serves the calls: its providers, store, budgets, limits and routes. */
  ai: z.custom<AI>(isAI, 'must be an aimux instance from createAI()'),
  /**
   * The token of the admin API (`/admin/*`), also accepted on /v1 with full access. Default: the
   * AIMUX_ADMIN_TOKEN environment variable; without one, the admin API answers 503.
   */
  adminToken: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The largest request body accepted; a larger one is a 413. Default 10 MiB. */
  bodyLimitBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /**
   * How long a verified key is trusted before the store is asked again, in milliseconds; a key
   * revoked through any instance is refused by every instance within this time. Default 500.
   */
  keyCacheMs: z.number().int().min(0).default(500),
  /** The longest a request may take, retries and fallbacks included; a longer one is a 504. */
  requestTimeoutMs: z.number().int().positive().optional(),
  /** Prometheus metrics, from `createMetrics(ai)`, served at `GET /metrics`; absent, no such route. */
  metrics: z.custom<Metrics>(isMetrics, 'must be the result of createMetrics()').optional(),
  /** When set, `GET /metrics` answers only requests that carry it as a bearer token. */
  metricsToken: z.string().min(1).optional(),
})

export type GatewayOptions = z.input<typeof gatewayOptionsSchema>
