import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from './gateway-env.js'

/**
 * Gives each request an AbortController that aborts when its client disconnects (the Node
 * server aborts the request's signal when the connection closes before the answer is complete),
 * so that a client that leaves stops the upstream call it started.
 */
export function followClient(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const abort = new AbortController()
    const client = c.req.raw.signal
    const onAbort = () => abort.abort(client.reason)
    if (client.aborted) onAbort()
    else client.addEventListener('abort', onAbort, { once: true })
    c.set('abort', abort)
    await next()
  }
}
