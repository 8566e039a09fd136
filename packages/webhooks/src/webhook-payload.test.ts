import { ProviderError } from '@aimux/ai-core'
import { expect, it } from 'vitest'
import { jsonSafe } from './webhook-payload.js'

it('makes an event payload plain JSON: errors reduced and masked, dates as text, no functions', () => {
  const cycle: Record<string, unknown> = { name: 'loop' }
  cycle.self = cycle
  const error = new ProviderError('rejected key sk-abcdefghijklmnop', { status: 401, provider: 'openai' })
  const safe = jsonSafe({
    at: new Date('2026-12-03T12:00:00.000Z'),
    big: 12n,
    nan: Number.NaN,
    list: [1, undefined, () => 1],
    error,
    plain: new Error('boom'),
    cycle,
    skip: () => 1,
  })
  expect(safe).toEqual({
    at: '2026-12-03T12:00:00.000Z',
    big: '12',
    nan: null,
    list: [1, null, null],
    error: {
      name: 'ProviderError',
      code: error.code,
      message: 'rejected key [redacted]',
      status: 401,
      provider: 'openai',
      retryable: false,
    },
    plain: { name: 'Error', message: 'boom' },
    cycle: { name: 'loop' },
  })
})
