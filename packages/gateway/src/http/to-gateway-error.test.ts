import {
  AbortedError,
  ClosedError,
  ConfigError,
  ConnectionError,
  ContentFilterError,
  ContextLengthError,
  InvalidResponseError,
  ProviderError,
  QuotaExceededError,
  StoreError,
  TimeoutError,
  UnknownProviderError,
  ValidationError,
} from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { toGatewayError } from './to-gateway-error.js'

const shape = (error: unknown) => {
  const { status, body, headers } = toGatewayError(error)
  return { status, type: body.error.type, code: body.error.code, ...(headers ? { headers } : {}) }
}

describe('toGatewayError', () => {
  it('maps each typed error to its status, type and code', () => {
    const validation = new ValidationError('Invalid chat request: messages[0].content: required')
    validation.issues = [{ path: 'messages[0].content', message: 'required' }]
    expect(toGatewayError(validation).body.error).toMatchObject({ param: 'messages[0].content' })
    expect(shape(new UnknownProviderError('x'))).toEqual({
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
    })
    expect(shape(new ContextLengthError('x'))).toMatchObject({ status: 400, code: 'context_length_exceeded' })
    expect(shape(new ContentFilterError('x'))).toMatchObject({ status: 400, code: 'content_filter' })
    expect(shape(new TimeoutError('x'))).toMatchObject({ status: 504, type: 'server_error', code: 'timeout' })
    expect(shape(new ConnectionError('x'))).toMatchObject({ status: 502, code: 'upstream_connection' })
    expect(shape(new InvalidResponseError('x'))).toMatchObject({
      status: 502,
      code: 'upstream_invalid_response',
    })
    expect(shape(new QuotaExceededError('x', { provider: 'openai' }))).toMatchObject({
      status: 502,
      code: 'upstream_quota',
    })
    expect(shape(new ClosedError('x'))).toMatchObject({ status: 503, code: 'shutting_down' })
    expect(shape(new StoreError('x'))).toMatchObject({ status: 503, code: 'store_unavailable' })
    expect(shape(new AbortedError('x'))).toMatchObject({ status: 499, code: 'aborted' })
  })

  it("passes a provider's status on when the client can act on it, else a 502 or 503", () => {
    expect(shape(new ProviderError('x', { status: 400 }))).toMatchObject({
      status: 400,
      code: 'upstream_error',
    })
    expect(shape(new ProviderError('x', { status: 422 }))).toMatchObject({ status: 422 })
    expect(shape(new ProviderError('x', { status: 529 }))).toMatchObject({
      status: 503,
      type: 'server_error',
    })
    expect(shape(new ProviderError('x', { status: 418 }))).toMatchObject({ status: 502 })
    expect(shape(new ProviderError('x'))).toMatchObject({ status: 502 })
  })

  it('answers anything unexpected with a generic 500 that shows nothing of it', () => {
    const leak = new Error('db password hunter2 at /srv/app.js:10')
    for (const error of [leak, new ConfigError('Unknown tool hunter2'), 'hunter2', undefined]) {
      const { status, body } = toGatewayError(error)
      expect(status).toBe(500)
      expect(body.error).toEqual({
        message: 'The gateway failed to handle the request.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      })
    }
  })
})
