import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../http/gateway-env.js'
import { errorResponse, invalidApiKey } from '../http/openai-error.js'
import { toGatewayError } from '../http/to-gateway-error.js'
import type { KeyCache } from '../keys/key-cache.js'
import { hashSecret } from '../keys/key-secret.js'
import { keyStatus } from '../keys/key-status.js'
import { requestToken } from './request-token.js'

const refusals = {
  unknown: 'Incorrect API key provided.',
  revoked: 'This API key has been revoked.',
  expired: 'This API key has expired.',
} as const

/**
 * Lets a request through /v1 with a valid virtual key, or with the admin token, and sets who is
 * calling. Anything else is a 401 that never repeats the key it was given.
 */
export function authenticate(deps: {
  isAdmin: ((token: string | undefined) => boolean) | undefined
  keys: KeyCache
}): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const token = requestToken(c.req.raw.headers)
    if (token === undefined) {
      return errorResponse(
        invalidApiKey('You did not provide an API key: send it as "Authorization: Bearer sk-aimux-...".'),
      )
    }
    if (deps.isAdmin?.(token)) {
      c.set('caller', { kind: 'admin' })
      return next()
    }
    let key: Awaited<ReturnType<KeyCache['get']>>
    try {
      key = await deps.keys.get(hashSecret(token))
    } catch (error) {
      return errorResponse(toGatewayError(error))
    }
    const status = keyStatus(key, new Date())
    if (status !== 'valid' || !key)
      return errorResponse(invalidApiKey(refusals[status as keyof typeof refusals]))
    c.set('caller', { kind: 'key', key })
    return next()
  }
}
