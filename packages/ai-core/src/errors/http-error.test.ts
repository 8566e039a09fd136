import { describe, expect, it } from 'vitest'
import {
  AimuxError,
  AuthenticationError,
  ContentFilterError,
  ContextLengthError,
  ProviderError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
  UnknownModelError,
} from './errors.js'
import { errorFromStatus, parseRetryAfter } from './http-error.js'
import { redactSecrets } from './redact-secrets.js'

describe('errorFromStatus', () => {
  it.each([
    [401, {}, AuthenticationError, false],
    [403, {}, AuthenticationError, false],
    [402, {}, QuotaExceededError, false],
    [429, { code: 'insufficient_quota' }, QuotaExceededError, false],
    [429, { type: 'insufficient_quota' }, QuotaExceededError, false],
    [429, {}, RateLimitError, true],
    [400, { code: 'context_length_exceeded' }, ContextLengthError, false],
    [400, { message: 'prompt is too long: 208310 tokens > 200000 maximum' }, ContextLengthError, false],
    [400, { code: 'content_filter' }, ContentFilterError, false],
    [400, { code: 'invalid_value' }, ProviderError, false],
    [404, {}, ProviderError, false],
    [404, { code: 'model_not_found' }, UnknownModelError, false],
    [
      404,
      { message: 'The model `gpt-9` does not exist or you do not have access to it.' },
      UnknownModelError,
      false,
    ],
    [422, {}, ProviderError, false],
    [408, {}, TimeoutError, true],
    [409, {}, ProviderError, true],
    [500, {}, ProviderError, true],
    [503, {}, ProviderError, true],
    [529, { message: 'Overloaded' }, ProviderError, true],
  ] as const)('maps %i %j to its typed error', (status, details, ErrorClass, retryable) => {
    const error = errorFromStatus(status, details)
    expect(ErrorClass.is(error)).toBe(true)
    expect(error).toMatchObject({ status, retryable })
  })

  it('names the provider and status and keeps model, request id, cause and retryAfterMs', () => {
    const cause = new Error('raw')
    const error = errorFromStatus(429, {
      message: 'Rate limit reached',
      provider: 'openai',
      model: 'gpt-4o',
      requestId: 'req_1',
      retryAfterMs: 1200,
      cause,
    })
    expect(error.message).toBe('openai: 429 Rate limit reached')
    expect(error).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o',
      requestId: 'req_1',
      retryAfterMs: 1200,
      cause,
    })
    expect(AimuxError.is(error)).toBe(true)
  })

  it('falls back to the status text when there is no message', () => {
    expect(errorFromStatus(503).message).toBe('503 Service Unavailable')
  })

  it('never puts a secret in the message', () => {
    const error = errorFromStatus(401, {
      message: 'Incorrect API key provided: my-custom-key-42. Also seen: sk-proj-abcdefghijklmnop',
      secrets: ['my-custom-key-42'],
    })
    expect(error.message).toBe('401 Incorrect API key provided: [redacted]. Also seen: [redacted]')
  })
})

describe('redactSecrets', () => {
  it('masks the given secrets and key-shaped strings', () => {
    const text =
      'a sk-ant-api03-xyzxyzxyz b xai-1234567890ab c AIzaSyA1234567890123456789012345678 d Bearer tok.en'
    expect(redactSecrets(text)).toBe('a [redacted] b [redacted] c [redacted] d [redacted]')
    expect(redactSecrets('key my-key-1 here', ['my-key-1'])).toBe('key [redacted] here')
  })

  it('leaves secrets too short to mask safely, and short sk- words, alone', () => {
    expect(redactSecrets('a b sk-1', ['a', 'b'])).toBe('a b sk-1')
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it.each([
    [{ 'retry-after-ms': '1500' }, 1500],
    [{ 'Retry-After-Ms': '12.3', 'retry-after': '9' }, 13],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
    [{ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' }, 360_000],
    [
      {
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-tokens': '6m0s',
        'x-ratelimit-remaining-tokens': '1000',
      },
      1000,
    ],
    [{ 'x-ratelimit-reset-tokens': '1h2m3.5s' }, 3_723_500],
    [{ 'x-ratelimit-reset-requests': '20ms' }, 20],
    [{ 'x-ratelimit-reset': String(now + 4000) }, 4000],
    [{ 'x-ratelimit-reset': String(now / 1000 + 7) }, 7000],
    [{ 'retry-after': 'soon' }, undefined],
    [{ 'x-ratelimit-reset-requests': '5 minutes' }, undefined],
    [{}, undefined],
  ])('reads %j as %s ms', (headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected)
  })

  it('reads fetch Headers and array values, and nothing from missing headers', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000)
    expect(parseRetryAfter({ 'retry-after': ['4', '5'] }, now)).toBe(4000)
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
