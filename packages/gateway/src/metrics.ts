import {
  type AI,
  type AimuxEvents,
  type BudgetStatus,
  type CircuitState,
  ConfigError,
  type Scope,
} from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
  type RegistryContentType,
} from 'prom-client'
import { z } from 'zod'

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160]
const FIRST_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20]
const CIRCUIT_VALUES: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 }
const NANO_PER_USD = 1_000_000_000n

const metricsOptionsSchema = z
  .object({
    /** Put the metrics in this registry instead of a new one (e.g. the application's own). */
    registry: z.instanceof(Registry).optional(),
    /** Prefix of every metric name. Default 'aimux_'. */
    prefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'expected a Prometheus metric name prefix')
      .default('aimux_'),
    /** Also collect prom-client's default process metrics (CPU, memory, event loop lag, GC). Default false. */
    processMetrics: z.boolean().default(false),
    /**
     * How many distinct provider:model pairs get labels of their own; the ones after that count
     * under model "other", so that a client naming ever new models cannot grow the series
     * without end. Default 500.
     */
    maxModels: z.number().int().positive().default(500),
    /** How many recently seen budget scopes the budget gauge reports (least recently seen dropped). Default 1000. */
    maxBudgetScopes: z.number().int().nonnegative().default(1000),
    /**
     * Also report the budgets of virtual keys (`ai.store.virtualKeys`, newest first, at most
     * maxBudgetScopes of them), as scope "key". Default true.
     */
    keyBudgets: z.boolean().default(true),
  })
  .strict()

export type MetricsOptions = z.input<typeof metricsOptionsSchema>

export interface Metrics {
  /** The registry the metrics are in: scrape it, merge it, or add metrics of your own. */
  registry: Registry<RegistryContentType>
  /** The exposition for a GET /metrics answer. */
  handler(): Promise<{ contentType: string; body: string }>
  /** Stops listening to the instance and takes the metrics out of the registry. */
  close(): void
}

type Labels = Record<string, string>

/**
 * Prometheus metrics of an aimux instance, built only from its events, so that they work the
 * same for the gateway and for any application: requests, tokens, exact cost, durations, time to
 * first token, retries, fallbacks, circuit states, rate limiting, the response cache and what
 * remains of each budget. Label values are bounded: providers and models (capped), error codes,
 * and for budgets the ids of the scopes seen most recently and of the newest virtual keys only.
 *
 * @example
 * const metrics = createMetrics(ai)
 * app.get('/metrics', async () => { const { contentType, body } = await metrics.handler(); ... })
 */
export function createMetrics(ai: AI, options: MetricsOptions = {}): Metrics {
  const parsed = validate(metricsOptionsSchema, options, 'metrics options', ConfigError)
  const { prefix, processMetrics, maxModels, maxBudgetScopes, keyBudgets } = parsed
  const registry = parsed.registry ?? new Registry()
  const owned: string[] = []
  const name = (metric: string) => {
    owned.push(`${prefix}${metric}`)
    return `${prefix}${metric}`
  }
  const model = modelLabels(maxModels)
  const pair = (provider: string | undefined, id: string | undefined) =>
    model(provider ?? 'none', id ?? 'none')
  const ref = (value: string) => {
    const colon = value.indexOf(':')
    const { provider, model: id } = pair(value.slice(0, colon), value.slice(colon + 1))
    return `${provider}:${id}`
  }

  const requests = new Counter({
    name: name('requests_total'),
    help: 'Model calls that answered (status "ok") and requests that failed (status: the error code).',
    labelNames: ['provider', 'model', 'status'],
    registers: [registry],
  })
  const tokens = new Counter({
    name: name('tokens_total'),
    help: 'Tokens of the model calls that answered: input, output, and the cached input and reasoning parts of them.',
    labelNames: ['provider', 'model', 'kind'],
    registers: [registry],
  })
  // Summed exactly in nano-USD; the counter shows the sum, not a sum of rounded floats.
  const costs = new Map<string, { labels: Labels; nanoUsd: bigint }>()
  new Counter({
    name: name('cost_usd_total'),
    help: 'What the model calls cost in USD, from the price catalog or the provider, summed exactly.',
    labelNames: ['provider', 'model'],
    registers: [registry],
    collect() {
      this.reset()
      for (const { labels, nanoUsd } of costs.values()) this.inc(labels, usdOf(nanoUsd))
    },
  })
  const duration = new Histogram({
    name: name('request_duration_seconds'),
    help: 'Seconds per model call that answered, a stream until its end.',
    labelNames: ['provider', 'model'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  })
  const firstToken = new Histogram({
    name: name('time_to_first_token_seconds'),
    help: "Seconds until a streamed model call's first part reached the caller.",
    labelNames: ['provider', 'model'],
    buckets: FIRST_TOKEN_BUCKETS,
    registers: [registry],
  })
  const retries = new Counter({
    name: name('retries_total'),
    help: 'Failed model call attempts that were retried.',
    labelNames: ['provider', 'model'],
    registers: [registry],
  })
  const fallbacks = new Counter({
    name: name('fallbacks_total'),
    help: 'Calls that moved to another model ("provider:model" from and to).',
    labelNames: ['from', 'to'],
    registers: [registry],
  })
  const circuits = new Gauge({
    name: name('circuit_state'),
    help: "A provider and model's circuit: 0 closed, 1 half-open, 2 open.",
    labelNames: ['provider', 'model'],
    registers: [registry],
  })
  const rateLimited = new Counter({
    name: name('rate_limited_total'),
    help: "Calls that met a rate limit: the limit's scope and kind, and whether the call waited or was refused.",
    labelNames: ['scope', 'limit', 'action'],
    registers: [registry],
  })
  const cache = new Counter({
    name: name('cache_total'),
    help: 'Response cache lookups, hits and misses.',
    labelNames: ['hit'],
    registers: [registry],
  })

  // Budgets are read when scraped: those of the scopes seen most recently, and those of the
  // newest virtual keys that have budgets of their own.
  const none = (): BudgetStatus[] => []
  const keysWithBudgets = async () => {
    if (!keyBudgets || maxBudgetScopes === 0) return []
    const now = Date.now()
    const keys = await ai.store.virtualKeys.list().catch(() => [])
    return keys
      .filter(
        (key) => (key.limits.budgets?.length ?? 0) > 0 && !(key.expiresAt && key.expiresAt.getTime() <= now),
      )
      .slice(0, maxBudgetScopes)
  }
  const scopes = new Map<string, Scope>()
  const seeScope = (scope: Scope) => {
    if (maxBudgetScopes === 0) return
    const key = JSON.stringify(scope)
    // Re-inserted, so the Map's order is least recently seen first.
    scopes.delete(key)
    scopes.set(key, scope)
    if (scopes.size > maxBudgetScopes) scopes.delete(scopes.keys().next().value!)
  }
  new Gauge({
    name: name('budget_remaining_usd'),
    help: 'What remains of each budget in its current period (limit less spent and reserved), for the scopes seen most recently and the newest virtual keys.',
    labelNames: ['scope', 'scope_id', 'period'],
    registers: [registry],
    async collect() {
      const statuses = await Promise.all([
        ...[...scopes.values()].map((scope) => ai.budgets.status(scope).catch(none)),
        ...(await keysWithBudgets()).map((key) =>
          ai.budgets
            .status({}, { key: key.id, budgets: key.limits.budgets ?? [] })
            .then((list) => list.filter((status) => status.scope === 'key'), none),
        ),
      ])
      this.reset()
      for (const status of statuses.flat())
        this.set(
          { scope: status.scope, scope_id: status.scopeId, period: status.period },
          status.remainingUsd,
        )
    },
  })

  const listen = <E extends keyof AimuxEvents>(event: E, listener: (payload: AimuxEvents[E]) => void) =>
    ai.on(event, listener)
  const unsubscribe = [
    listen('request', (e) => seeScope(e.scope)),
    listen('response', (e) => {
      const labels = pair(e.provider, e.model)
      requests.inc({ ...labels, status: 'ok' })
      const { usage } = e
      if (usage.inputTokens > 0) tokens.inc({ ...labels, kind: 'input' }, usage.inputTokens)
      if (usage.outputTokens > 0) tokens.inc({ ...labels, kind: 'output' }, usage.outputTokens)
      if (usage.cachedInputTokens > 0) tokens.inc({ ...labels, kind: 'cached' }, usage.cachedInputTokens)
      if (usage.reasoningTokens > 0) tokens.inc({ ...labels, kind: 'reasoning' }, usage.reasoningTokens)
      duration.observe(labels, e.latencyMs / 1000)
      if (e.timeToFirstTokenMs !== undefined) firstToken.observe(labels, e.timeToFirstTokenMs / 1000)
    }),
    listen('cost', (e) => {
      if (e.cost.nanoUsd <= 0) return
      const labels = pair(e.provider, e.model)
      const key = `${labels.provider}\u0000${labels.model}`
      const sum = costs.get(key)
      if (sum) sum.nanoUsd += BigInt(e.cost.nanoUsd)
      else costs.set(key, { labels, nanoUsd: BigInt(e.cost.nanoUsd) })
    }),
    listen('error', (e) => {
      seeScope(e.scope)
      requests.inc({ ...pair(e.provider, e.model), status: e.error.code })
    }),
    listen('retry', (e) => retries.inc(pair(e.provider, e.model))),
    listen('provider:switched', (e) => fallbacks.inc({ from: ref(e.from), to: ref(e.to) })),
    listen('circuit:state', (e) => circuits.set(pair(e.provider, e.model), CIRCUIT_VALUES[e.to])),
    listen('rate-limit', (e) => rateLimited.inc({ scope: e.scope, limit: e.limit, action: e.action })),
    listen('cache', (e) => cache.inc({ hit: String(e.hit) })),
  ]
  const before = new Set(registry.getMetricsAsArray().map((metric) => metric.name))
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix })
  const processNames = registry
    .getMetricsAsArray()
    .map((metric) => metric.name)
    .filter((metricName) => !before.has(metricName))

  return {
    registry,
    async handler() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
    close() {
      for (const off of unsubscribe) off()
      for (const metricName of [...owned, ...processNames]) registry.removeSingleMetric(metricName)
    },
  }
}

/**
 * Label values for provider and model: the first `max` distinct pairs as they are, later ones
 * as model "other" of their provider (itself "other" past the cap), so the series stay bounded.
 */
function modelLabels(max: number) {
  const known = new Set<string>()
  const providers = new Set<string>()
  return (provider: string, model: string): { provider: string; model: string } => {
    const key = `${provider}\u0000${model}`
    if (known.has(key)) return { provider, model }
    if (known.size < max) {
      known.add(key)
      providers.add(provider)
      return { provider, model }
    }
    return { provider: providers.has(provider) ? provider : 'other', model: 'other' }
  }
}

/** Exact nano-USD as the nearest USD number: parsed from the exact decimal, one rounding only. */
export function usdOf(nanoUsd: bigint): number {
  const whole = nanoUsd / NANO_PER_USD
  const fraction = (nanoUsd % NANO_PER_USD).toString().padStart(9, '0')
  return Number(`${whole}.${fraction}`)
}
