import type { AI } from '@aimux/ai-core'
import { Hono } from 'hono'

/** How long /readyz waits for the store before it calls it unready. */
const STORE_PROBE_MS = 2_000

/**
 * `GET /healthz`: 200 while the process runs (a liveness probe). `GET /readyz`: 200 when the
 * store answers a cheap lookup and a provider is registered, else 503 saying why (a readiness
 * probe: a load balancer sends no traffic to an instance that cannot serve it).
 */
export function healthRoutes(ai: AI): Hono {
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const problems: string[] = []
    if (ai.providers.list().length === 0) problems.push('no provider is registered')
    const store = await probeStore(ai)
    if (store) problems.push(store)
    if (problems.length > 0) return c.json({ status: 'unavailable', problems }, 503)
    return c.json({ status: 'ok' })
  })
  return app
}

/** Undefined when the store answers a keyed lookup in time; otherwise what went wrong. */
async function probeStore(ai: AI): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the store did not answer within ${STORE_PROBE_MS} ms`), STORE_PROBE_MS)
  })
  const lookup = ai.store.virtualKeys.get('vk_readiness_probe').then(
    () => undefined,
    () => 'the store failed to answer',
  )
  try {
    return await Promise.race([lookup, timeout])
  } finally {
    clearTimeout(timer)
  }
}
