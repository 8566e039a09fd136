import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  ConnectionError,
  InvalidResponseError,
  ProviderError,
  toAimuxError,
} from './errors.js'
import { errorFromStatus } from './http-error.js'
import { invalidResponse } from './invalid-response.js'
import { redactSecrets } from './redact-secrets.js'
import { scrubCause } from './scrub-cause.js'

const key = 'plainkey-7f3a9c1e5b2d4f60'
const bearer = 'tok_51c0ffee9a8b7c6d5e4f'

/** An SDK error as the openai SDK keeps one: the echoed key in its message, headers and body. */
function sdkError() {
  const inner = Object.assign(new Error(`socket for ${key} closed`), { code: 'ECONNRESET' })
  return Object.assign(new Error(`401 Incorrect API key provided: ${key}`, { cause: inner }), {
    name: 'AuthenticationError',
    status: 401,
    code: 'invalid_api_key',
    headers: { 'x-echo': key, authorization: `Bearer ${bearer}` },
    error: { message: `Incorrect API key provided: ${key}` },
    request: { headers: { authorization: `Bearer ${bearer}` } },
  })
}

/** Everything a log line could show of a value. */
function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? ''
  const chain: string[] = []
  for (let error: unknown = value; error instanceof Error; error = error.cause) {
    chain.push(String(error), error.stack ?? '', inspect(error, { depth: Infinity, showHidden: true }))
  }
  return [inspect(value, { depth: Infinity, showHidden: true, getters: true }), json, ...chain].join('\n')
}

describe('scrubCause', () => {
  it('keeps name, message, status, code, stack and causes, masked, and nothing else', () => {
    const copy = scrubCause(sdkError(), [key]) as Error & Record<string, unknown>
    expect(copy).toBeInstanceOf(Error)
    expect(copy.name).toBe('AuthenticationError')
    expect(copy.message).toBe('401 Incorrect API key provided: [redacted]')
    expect(copy.status).toBe(401)
    expect(copy.code).toBe('invalid_api_key')
    expect(copy.stack).toContain('Incorrect API key provided: [redacted]')
    expect(copy.headers).toBeUndefined()
    expect(copy.request).toBeUndefined()
    expect(copy.error).toBeUndefined()
    expect((copy.cause as Error & { code: string }).code).toBe('ECONNRESET')
    expect(shown(copy)).not.toContain(key)
    expect(shown(copy)).not.toContain(bearer)
  })

  it('keeps aimux errors as they are, masks strings, and copies other values as masked errors', () => {
    const typed = new ConnectionError('reset')
    expect(scrubCause(typed)).toBe(typed)
    expect(scrubCause(`Bearer ${bearer}`)).toBe('[redacted]')
    expect(String(scrubCause({ detail: key }, [key]))).toBe('Object: {"detail":"[redacted]"}')
    expect(scrubCause(undefined)).toBeUndefined()
  })
})

describe('errors given secrets', () => {
  it('hold no secret in their message, cause chain, stack, inspection or JSON', () => {
    const errors = [
      new AuthenticationError(`refused ${key}`, { cause: sdkError(), secrets: [key] }),
      errorFromStatus(401, {
        message: `Incorrect API key provided: ${key}`,
        cause: sdkError(),
        secrets: [key],
      }),
      errorFromStatus(500, { message: 'upstream', cause: sdkError(), secrets: [key] }),
      invalidResponse({
        provider: 'acme',
        problem: 'no choices',
        body: { echo: key },
        cause: sdkError(),
        secrets: [key],
      }),
    ]
    for (const error of errors) {
      const text = shown(error)
      expect(text).not.toContain(key)
      expect(text).not.toContain(bearer)
      expect(text).toContain('[redacted]')
    }
  })

  it('keep the cause as it is when no secrets are given', () => {
    const cause = sdkError()
    expect(new ProviderError('failed', { cause }).cause).toBe(cause)
  })

  it('mask a foreign error made typed by the core, bearer tokens included', () => {
    const typed = toAimuxError(new Error(`denied for Bearer ${bearer}`), { provider: 'acme' })
    expect(typed.message).toBe('denied for [redacted]')
    expect(shown(typed)).not.toContain(bearer)
  })
})

describe('redactSecrets', () => {
  it('takes any value: an object body by its message, others as JSON, nothing as empty', () => {
    expect(redactSecrets({ message: `slow down ${key}` }, [key])).toBe('slow down [redacted]')
    expect(redactSecrets({ error: { message: 'slow down' } })).toBe('{"error":{"message":"slow down"}}')
    expect(redactSecrets(new Error(`bad Bearer ${bearer}`))).toBe('bad [redacted]')
    expect(redactSecrets(undefined)).toBe('')
    expect(redactSecrets(429)).toBe('429')
  })
})

describe('InvalidResponseError', () => {
  it('is a ProviderError with code invalid-response, an excerpt and no secret', () => {
    const html = `<html><body>Bad gateway for ${key}${' filler'.repeat(100)}</body></html>`
    const error = invalidResponse({
      provider: 'acme',
      model: 'm',
      problem: 'not JSON',
      body: html,
      secrets: [key],
    })
    expect(InvalidResponseError.is(error)).toBe(true)
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error.code).toBe('invalid-response')
    expect(error.name).toBe('InvalidResponseError')
    expect(error.retryable).toBe(false)
    expect(error.excerpt.startsWith('<html><body>Bad gateway for [redacted]')).toBe(true)
    expect(error.excerpt.length).toBeLessThanOrEqual(201)
    expect(error.message).toContain('acme: the answer could not be read (not JSON): <html>')
    expect(error.toJSON()).toMatchObject({ code: 'invalid-response', excerpt: error.excerpt })
    expect(InvalidResponseError.is(new ProviderError('x'))).toBe(false)
  })
})

describe('scrubCause: what a copy keeps', () => {
  it('names a copy after its source, else Error or Object', () => {
    expect((scrubCause(new TypeError('bad')) as Error).name).toBe('TypeError')
    const unnamed = new Error('bad')
    Object.defineProperty(unnamed, 'name', { value: 42 })
    expect((scrubCause(unnamed) as Error).name).toBe('Error')
    expect((scrubCause({ reason: 'x' }) as Error).name).toBe('Object')
    expect((scrubCause({ name: 'Body', message: 'x' }) as Error).name).toBe('Body')
  })

  it("keeps an error's own stack trace, frames included", () => {
    const original = new Error('plain failure')
    const copy = scrubCause(original) as Error
    expect(copy.stack).toBe(original.stack)
    expect(copy.stack).toContain('scrub-cause.test.ts')
  })

  it('gives a value without a stack one of its name and masked message', () => {
    const copy = scrubCause({ message: `failed for ${key}` }, [key]) as Error
    expect(copy.message).toBe('failed for [redacted]')
    expect(copy.stack).toBe('Object: failed for [redacted]')
  })

  it('cuts the text of a non-error value at 1,000 characters, never an error message', () => {
    const long = 'x'.repeat(1_500)
    expect((scrubCause({ message: long }) as Error).message).toHaveLength(1_000)
    expect((scrubCause(new Error(long)) as Error).message).toHaveLength(1_500)
  })

  it('keeps status and code only as numbers or masked strings', () => {
    const copy = scrubCause(Object.assign(new Error('x'), { status: '401', code: `bad ${key}` }), [key])
    expect(copy).toMatchObject({ status: '401', code: 'bad [redacted]' })
    const odd = scrubCause(Object.assign(new Error('x'), { status: true, code: { n: 1 } })) as object
    expect(Object.keys(odd)).toEqual([])
    expect(JSON.stringify(scrubCause(Object.assign(new Error('x'), { status: 503, code: 7 })))).toBe(
      '{"status":503,"code":7}',
    )
  })

  it('behaves as an ordinary error: name, stack and cause can be set again and are not enumerable', () => {
    const copy = scrubCause(new Error('outer', { cause: new Error('inner') })) as Error
    expect(Object.keys(copy)).toEqual([])
    copy.name = 'Renamed'
    copy.stack = 'replaced'
    copy.cause = 'other'
    expect([copy.name, copy.stack, copy.cause]).toEqual(['Renamed', 'replaced', 'other'])
    delete copy.cause
    expect('cause' in copy).toBe(false)
    delete (copy as { stack?: string }).stack
    expect(Object.hasOwn(copy, 'stack')).toBe(false)
    delete (copy as { name?: string }).name
    expect(copy.name).toBe('Error')
  })

  it('copies a chain of causes 8 deep, masked, and stops there', () => {
    let chain: Error = new Error(`root ${key}`)
    for (let i = 9; i >= 1; i--) chain = new Error(`level ${i}`, { cause: chain })
    const messages: string[] = []
    for (let e: unknown = scrubCause(chain, [key]); e instanceof Error; e = e.cause) messages.push(e.message)
    expect(messages).toEqual([
      'level 1',
      'level 2',
      'level 3',
      'level 4',
      'level 5',
      'level 6',
      'level 7',
      'level 8',
      'level 9',
    ])
    const short: string[] = []
    for (
      let e: unknown = scrubCause(new Error('a', { cause: new Error(`b ${key}`) }), [key]);
      e instanceof Error;
      e = e.cause
    )
      short.push(e.message)
    expect(short).toEqual(['a', 'b [redacted]'])
  })

  it('keeps numbers, null and a cause that is not an error as they are', () => {
    expect(scrubCause(42)).toBe(42)
    expect(scrubCause(null)).toBeNull()
    const copy = scrubCause({ message: 'x', cause: new Error('y') }) as Error
    expect('cause' in copy).toBe(false)
    expect('cause' in (scrubCause(new Error('no cause')) as Error)).toBe(false)
  })
})
