import { describe, expect, it } from 'vitest'
import { RateLimitError } from '../errors/errors.js'
import { maskForLog, safeLogger, stderrLogger } from './logger.js'

const KEY = 'sk-proj-abcdefgh12345678'

describe('maskForLog', () => {
  it('masks keys and bearer tokens at any depth, and reduces errors to safe fields', () => {
    const sdkError = Object.assign(new Error(`401 for ${KEY}`), {
      status: 401,
      headers: { authorization: `Bearer ${KEY}` },
    })
    const error = new RateLimitError('slow down', { provider: 'openai', retryAfterMs: 1000, cause: sdkError })
    const masked = maskForLog({ a: { b: [`Bearer abc.def`] }, err: error, skip: undefined })
    expect(masked).toEqual({
      a: { b: ['[redacted]'] },
      err: {
        name: 'RateLimitError',
        message: 'slow down',
        code: 'rate-limit',
        provider: 'openai',
        retryable: true,
        retryAfterMs: 1000,
        cause: { name: 'Error', message: '401 for [redacted]', status: 401 },
      },
    })
  })

  it('stops at a fixed depth, so a cyclic object cannot loop', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(JSON.stringify(maskForLog(cyclic))).toContain('[deeper]')
  })
})

describe('stderrLogger', () => {
  it('writes one key=value line per entry, quoting what needs it and flattening objects', () => {
    const lines: string[] = []
    const log = safeLogger(stderrLogger((line) => void lines.push(line)))
    log.warn(
      { requestId: 'r1', err: { code: 'provider', message: `bad key ${KEY}` }, to: ['a', 'b'] },
      'aimux retry',
    )
    expect(lines).toEqual([
      'aimux warn retry requestId=r1 err.code=provider err.message="bad key [redacted]" to=a,b\n',
    ])
  })
})
