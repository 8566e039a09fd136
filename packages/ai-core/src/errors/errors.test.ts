import { describe, expect, it } from 'vitest'
import {
  AimuxError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  StreamInterruptedError,
} from './errors.js'

describe('typed errors', () => {
  it('carry a stable code, status, retryability and retryAfterMs', () => {
    const error = new RateLimitError('Slow down', { provider: 'openai', status: 429, retryAfterMs: 2_000 })
    expect(error).toBeInstanceOf(AimuxError)
    expect(error.name).toBe('RateLimitError')
    expect(error.code).toBe('rate-limit')
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBe(2_000)
    expect(error.toJSON()).toMatchObject({ code: 'rate-limit', status: 429, provider: 'openai' })
  })

  it('are recognised by is() even from another copy of the package', () => {
    // What a second installed copy of ai-core would create: another class, the same symbol marker.
    const foreign = Object.assign(new Error('denied'), {
      [Symbol.for('aimux.error')]: true,
      code: 'authentication',
    })
    expect(foreign instanceof AimuxError).toBe(false)
    expect(AimuxError.is(foreign)).toBe(true)
    expect(AuthenticationError.is(foreign)).toBe(true)
    expect(RateLimitError.is(foreign)).toBe(false)
    expect(AimuxError.is(new Error('plain'))).toBe(false)
    expect(AimuxError.is(null)).toBe(false)
  })

  it('narrow to the subclass so its own fields are typed', () => {
    const error: unknown = Object.assign(new StreamInterruptedError('broke'), { partialText: 'Hel' })
    expect(StreamInterruptedError.is(error) && error.partialText).toBe('Hel')
  })

  it('tell a stream broken after its first part from one that never started', () => {
    const broken = new StreamInterruptedError('broke')
    expect(broken.retryable).toBe(false)
    expect(StreamInterruptedError.is(broken)).toBe(true)
    expect(ConnectionError.is(broken)).toBe(false)
    const unstarted = new ConnectionError('The stream ended without its finish part.')
    expect(unstarted.retryable).toBe(true)
    expect(StreamInterruptedError.is(unstarted)).toBe(false)
  })
})
