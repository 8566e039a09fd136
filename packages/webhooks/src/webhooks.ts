import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import {
  type AI,
  type AimuxEventName,
  ConfigError,
  definePlugin,
  type Plugin,
  type PluginHost,
  type Store,
  type WebhookDelivery,
} from '@aimux/ai-core'
import { postDelivery } from './post-delivery.js'
import { retryDelay } from './retry-delay.js'
import { jsonSafe, webhookBody } from './webhook-payload.js'
import type { WebhookDeliveryView, WebhooksApi } from './webhooks-api.js'
import { parseWebhooksOptions, type WebhooksOptions } from './webhooks-options.js'

/**
 * Delivers chosen events to HTTP endpoints as signed JSON. Each event is written to an outbox in
 * the store (one delivery per endpoint) as background work, off the caller's path; a delivery
 * loop claims due deliveries with a lease, POSTs them with a per-attempt timeout, retries with
 * exponential backoff and jitter (Retry-After honoured), and dead-letters after `maxAttempts`. A
 * process that dies leaves its deliveries in the store: the next instance delivers them.
 *
 * @example
 * const ai = await createAI({
 *   plugins: [
 *     sqliteStore({ path: 'aimux.db' }),
 *     webhooks({
 *       endpoints: [{ url: 'https://ops.example.com/aimux', secret: process.env.WEBHOOK_SECRET!, events: ['budget:threshold', 'error'] }],
 *     }),
 *   ],
 * })
 */
export function webhooks(options: WebhooksOptions): Plugin {
  const parsed = parseWebhooksOptions(options)
  const { endpoints, maxAttempts, backoff, timeoutMs, pollMs, batchSize } = parsed
  const leaseMs = parsed.leaseMs ?? timeoutMs * 3
  const now = parsed.now ?? (() => new Date())
  const fetchImpl = parsed.fetch ?? fetch
  const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]))
  const endpointIds = [...byId.keys()]
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`
  const stop = new AbortController()

  let ai: AI | undefined
  let timer: NodeJS.Timeout | undefined
  /** The loop's current pass, while one runs. */
  let pass: Promise<void> | undefined
  let again = false
  /** Attempts under way, from the loop or from drain(). */
  const inFlight = new Set<Promise<void>>()

  const store = (): Store => {
    if (!ai) throw new Error('webhooks: the instance is not ready yet')
    return ai.store
  }

  /** Writes one delivery per endpoint that wants `event`. */
  const enqueue = async (event: string, payload: unknown) => {
    const createdAt = now()
    const data = jsonSafe(payload)
    const rows: WebhookDelivery[] = endpoints
      .filter((endpoint) => endpoint.events.includes(event))
      .map((endpoint) => {
        const id = `whd_${randomUUID()}`
        const body = webhookBody({ id, type: event, createdAt: createdAt.toISOString(), data })
        return {
          id,
          endpointId: endpoint.id,
          event,
          body,
          status: 'pending',
          attempts: 0,
          createdAt,
          nextAttemptAt: createdAt,
        }
      })
    if (rows.length === 0) return
    await store().webhooks.enqueue(rows)
    wake()
  }

  /** One attempt of a claimed delivery, and its outcome recorded. */
  const attempt = async (delivery: WebhookDelivery) => {
    const endpoint = byId.get(delivery.endpointId)!
    const at = now()
    const outcome = await postDelivery({
      id: delivery.id,
      url: endpoint.url,
      secret: endpoint.secret,
      body: delivery.body,
      now: at,
      timeoutMs,
      stop: stop.signal,
      fetch: fetchImpl,
    })
    if ('stopped' in outcome) return
    const done = now()
    if (outcome.ok) {
      await store().webhooks.markDelivered(delivery.id, { owner, at: done, status: outcome.status })
      return
    }
    const attempts = delivery.attempts + 1
    const retryAt =
      attempts >= maxAttempts
        ? undefined
        : new Date(done.getTime() + retryDelay(attempts, backoff, outcome.retryAfterMs))
    await store().webhooks.markFailed(delivery.id, {
      owner,
      at: done,
      error: outcome.error,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(retryAt === undefined ? {} : { retryAt }),
    })
  }

  /** Claims what is due and attempts it; the number claimed. */
  const claimAndAttempt = async (): Promise<number> => {
    const at = now()
    const claimed = await store().webhooks.claimDue({
      now: at,
      limit: batchSize,
      endpointIds,
      owner,
      leaseUntil: new Date(at.getTime() + leaseMs),
    })
    await Promise.all(
      claimed.map((delivery) => {
        const running = attempt(delivery).finally(() => inFlight.delete(running))
        inFlight.add(running)
        return running
      }),
    )
    return claimed.length
  }

  /** The loop's pass: claims batches until a batch comes back short, then waits `pollMs`. */
  const runPass = async () => {
    do {
      again = false
      while (!stop.signal.aborted && (await claimAndAttempt()) === batchSize) {}
    } while (again && !stop.signal.aborted)
  }

  const schedule = (delayMs: number) => {
    if (stop.signal.aborted || !ai || !parsed.deliver) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      if (pass) {
        again = true
        return
      }
      pass = runPass()
        .catch((error: unknown) => report(error))
        .finally(() => {
          pass = undefined
          schedule(pollMs)
        })
    }, delayMs)
    timer.unref()
  }

  /** Runs a pass soon: a delivery was just written. */
  const wake = () => {
    if (pass) again = true
    else schedule(0)
  }

  let report: (error: unknown) => void = () => {}

  const api: WebhooksApi = {
    async deliveries(query = {}) {
      const rows = await store().webhooks.list({
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.endpoint === undefined ? {} : { endpointId: query.endpoint }),
        ...(query.event === undefined ? {} : { event: query.event }),
        limit: query.limit ?? 100,
      })
      return rows.map(({ leaseOwner: _, leaseUntil: __, ...view }): WebhookDeliveryView => view)
    },
    async retry(id) {
      const requeued = await store().webhooks.requeue(id, now())
      if (requeued) wake()
      return requeued
    },
    async drain() {
      await ai?.flush()
      for (;;) {
        // What the loop has claimed is finished by the loop: wait for it, then claim the rest.
        await pass
        await Promise.allSettled([...inFlight])
        if ((await claimAndAttempt()) === 0 && pass === undefined && inFlight.size === 0) return
      }
    },
  }

  const setup = (host: PluginHost) => {
    const events = new Set(endpoints.flatMap((endpoint) => endpoint.events))
    for (const event of events)
      host.on(event as AimuxEventName, (payload: unknown) => enqueue(event, payload))
    report = (error) => host.emit('background:error', { source: 'webhooks delivery loop', error })
    host.decorate('webhooks', api)
    host.onReady((instance) => {
      if (!instance.store.webhooks)
        throw new ConfigError(
          `webhooks: the store '${instance.store.name}' has no webhook outbox (the 'webhooks' port); use @aimux/store-sqlite, @aimux/store-postgres or the in-memory store`,
        )
      ai = instance
      // Deliveries left by an earlier process (or another instance) go out from the start.
      schedule(0)
    })
  }

  return definePlugin({
    name: 'webhooks',
    setup,
    async dispose() {
      stop.abort()
      clearTimeout(timer)
      await pass
      await Promise.allSettled([...inFlight])
    },
  })
}
