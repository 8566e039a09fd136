import type { Handler } from 'hono'
import { adminTokenCheck } from '../auth/admin-token.js'
import { requestToken } from '../auth/request-token.js'
import type { Metrics } from '../metrics.js'

/**
 * `GET /metrics`: the Prometheus text exposition of `metrics`. With a `token`, only a request
 * carrying it as a bearer token is answered (compared in constant time); any other gets a 401.
 */
export function metricsRoute(metrics: Metrics, token: string | undefined): Handler {
  const allowed = token === undefined ? undefined : adminTokenCheck(token)
  return async (c) => {
    if (allowed && !allowed(requestToken(c.req.raw.headers)))
      return c.text('Unauthorized\n', 401, { 'www-authenticate': 'Bearer' })
    const { contentType, body } = await metrics.handler()
    return c.body(body, 200, { 'content-type': contentType })
  }
}
