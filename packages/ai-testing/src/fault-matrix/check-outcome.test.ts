import { describe, expect, it } from 'vitest'
import { checkOutcome } from './check-outcome.js'
import type { Fault } from './fault.js'
import { faults } from './faults.js'
import type { CellOutcome } from './run-cell.js'

const fault = (id: string): Fault => faults.find((candidate) => candidate.id === id)!

const rateLimited = (): CellOutcome => ({
  error: {
    name: 'RateLimitError',
    code: 'rate-limit',
    message: 'openai: 429 Rate limit reached',
    retryable: true,
    status: 429,
    retryAfterMs: 1000,
  },
  attempts: 3,
  elapsedMs: 2_100,
  stuck: [],
  leaks: [],
  usage: { success: false, errorCode: 'rate-limit' },
})

describe('checkOutcome', () => {
  it('passes an outcome that is what the fault should give', () => {
    expect(checkOutcome(fault('status-429-seconds'), 'default', rateLimited())).toEqual([])
  })

  it('names each way an outcome differs', () => {
    const outcome = rateLimited()
    outcome.error = {
      ...outcome.error!,
      name: 'ProviderError',
      code: 'provider',
      retryable: false,
      retryAfterMs: undefined,
    }
    outcome.leaks = ['events']
    outcome.usage = undefined
    expect(checkOutcome(fault('status-429-seconds'), 'retries off', outcome)).toEqual([
      'error is ProviderError (provider) "openai: 429 Rate limit reached", expected RateLimitError (rate-limit)',
      'retryable is false, expected true',
      'retryAfterMs is undefined, expected 1000',
      'attempts is 3, expected 1',
      'the key was found in: events',
      'no usage record was written',
    ])
  })

  it('reports a call that succeeded, or took longer than its bound', () => {
    const outcome: CellOutcome = {
      attempts: 1,
      elapsedMs: 1e9,
      stuck: ['ai.close()'],
      leaks: [],
      usage: { success: true },
    }
    expect(checkOutcome(fault('status-401'), 'retries off', outcome)).toEqual([
      'took 1000000000 ms, over its bound of 10000 ms',
      'ai.close() did not settle within 5 s after the call',
      'the call succeeded',
      'usage.success is true, expected false',
      'usage.errorCode is undefined, expected "authentication"',
    ])
  })

  it('takes any status of a list, a retryAfterMs in range, and checks a broken stream’s cause and text', () => {
    const unreadable: CellOutcome = {
      error: {
        name: 'InvalidResponseError',
        code: 'invalid-response',
        message: '',
        retryable: false,
        status: 200,
        retryAfterMs: undefined,
      },
      attempts: 1,
      elapsedMs: 10,
      stuck: [],
      leaks: [],
      usage: { success: false, errorCode: 'invalid-response' },
    }
    expect(checkOutcome(fault('body-html'), 'default', unreadable)).toEqual([])
    expect(
      checkOutcome(fault('body-html'), 'default', {
        ...unreadable,
        error: { ...unreadable.error!, status: 502 },
      }),
    ).toEqual(['status is 502, expected 200 or undefined'])
    const dated = rateLimited()
    dated.attempts = 1
    dated.error = { ...dated.error!, retryAfterMs: 200_000 }
    expect(checkOutcome(fault('status-429-date'), 'default', dated)).toEqual([
      'retryAfterMs is 200000, expected 115000 to 120000',
    ])
    const broken: CellOutcome = {
      error: {
        name: 'StreamInterruptedError',
        code: 'stream-interrupted',
        message: '',
        retryable: false,
        status: undefined,
        retryAfterMs: undefined,
        causeCode: 'provider',
        causeMessage: 'terminated',
        partialText: '',
      },
      attempts: 1,
      elapsedMs: 10,
      stuck: [],
      leaks: [],
      usage: { success: false, errorCode: 'stream-interrupted' },
    }
    expect(checkOutcome(fault('connection-reset-mid-stream'), 'default', broken)).toEqual([
      'the cause is provider "terminated", expected one of connection',
      'partialText is "", expected "Alpha "',
    ])
  })
})
