import type { MiddlewareHandler } from 'hono'
import { errorResponse, gatewayError, invalidApiKey } from '../http/openai-error.js'
import { requestToken } from './request-token.js'

/**
 * Lets only the admin token through. Without an admin token configured, the admin API is off
 * (503), so that a gateway started without one never exposes it.
 */
export function requireAdmin(
  isAdmin: ((token: string | undefined) => boolean) | undefined,
): MiddlewareHandler {
  return async (c, next) => {
    if (!isAdmin) {
      const message = 'admin API disabled: start the gateway with an admin token (AIMUX_ADMIN_TOKEN).'
      return errorResponse(gatewayError(503, { message, code: 'admin_disabled' }))
    }
    if (!isAdmin(requestToken(c.req.raw.headers))) {
      return errorResponse(
        invalidApiKey('The admin API needs the admin token as "Authorization: Bearer <token>".'),
      )
    }
    return next()
  }
}
