import { AimuxError, ValidationError } from '@aimux/ai-core'
import { type GatewayError, gatewayError } from './openai-error.js'

/** Retry-After in whole seconds, rounded up, when the error says how long to wait. */
function retryAfter(error: AimuxError): Record<string, string> | undefined {
  if (error.retryAfterMs === undefined) return undefined
  return { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) }
}

/** The status an upstream provider's own error is passed on with. */
function upstreamStatus(status: number | undefined): number {
  if (status === undefined) return 502
  // A status the client can act on: its request was refused as it was written.
  if ([400, 404, 409, 413, 422].includes(status)) return status
  if (status === 500 || status === 502 || status === 503 || status === 504) return status
  // 529 "overloaded" and other server-side statuses: the provider cannot answer now.
  if (status >= 500) return 503
  return 502
}

/**
 * Maps whatever a call threw to the OpenAI-shaped error the gateway answers with. Mistakes in the
 * request are the client's (4xx); refusals by budgets and rate limits are 429; a provider that
 * refuses the gateway's own credentials or quota is the gateway's fault (502), never the client's
 * 401; anything unexpected is a 500 with a generic message. Messages of aimux errors are already
 * masked by the core; nothing else of an unknown error (stack, cause) is sent.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (!AimuxError.is(error)) return internalError()
  const { message } = error
  switch (error.code) {
    case 'validation': {
      const param = ValidationError.is(error) ? error.issues[0]?.path : undefined
      return gatewayError(400, { message, param: param && param !== '(root)' ? param : null })
    }
    case 'unknown-provider':
    case 'unknown-model':
      return gatewayError(404, { message, code: 'model_not_found' })
    case 'not-found':
      return gatewayError(404, { message, code: 'not_found' })
    case 'context-length':
      return gatewayError(400, { message, code: 'context_length_exceeded' })
    case 'content-filter':
      return gatewayError(400, { message, code: 'content_filter' })
    case 'budget-exceeded':
      return gatewayError(
        429,
        { message, type: 'insufficient_quota', code: 'budget_exceeded' },
        retryAfter(error),
      )
    case 'rate-limit':
      return gatewayError(
        429,
        { message, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
        retryAfter(error),
      )
    case 'circuit-open':
      return gatewayError(
        503,
        { message, type: 'server_error', code: 'circuit_open' },
        retryAfter(error) ?? { 'retry-after': '1' },
      )
    case 'timeout':
      return gatewayError(504, { message, type: 'server_error', code: 'timeout' })
    case 'authentication':
      return gatewayError(502, {
        message: `The upstream provider${error.provider ? ` '${error.provider}'` : ''} refused the gateway's credentials.`,
        type: 'server_error',
        code: 'upstream_auth',
      })
    case 'quota-exceeded':
      return gatewayError(502, {
        message: `The upstream provider${error.provider ? ` '${error.provider}'` : ''} reports the gateway's account out of quota.`,
        type: 'server_error',
        code: 'upstream_quota',
      })
    case 'connection':
      return gatewayError(502, { message, type: 'server_error', code: 'upstream_connection' })
    case 'stream-interrupted':
      return gatewayError(502, { message, type: 'server_error', code: 'upstream_stream_interrupted' })
    case 'invalid-response':
      return gatewayError(502, { message, type: 'server_error', code: 'upstream_invalid_response' })
    case 'provider': {
      const status = upstreamStatus(error.status)
      return gatewayError(status, { message, code: 'upstream_error' }, retryAfter(error))
    }
    case 'closed':
      return gatewayError(503, { message: 'The gateway is shutting down.', code: 'shutting_down' })
    case 'aborted':
      // Nobody reads it: the client has gone. 499 is what proxies log for it.
      return gatewayError(499, { message: 'The request was aborted by the client.', code: 'aborted' })
    case 'store':
      return gatewayError(503, {
        message: 'The gateway cannot reach its store.',
        type: 'server_error',
        code: 'store_unavailable',
      })
    default:
      return internalError()
  }
}

export function internalError(): GatewayError {
  return gatewayError(500, { message: 'The gateway failed to handle the request.', code: 'internal_error' })
}
