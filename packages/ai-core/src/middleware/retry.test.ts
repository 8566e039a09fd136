import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RateLimitError } from '../errors/errors.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus } from '../events/event-bus.js'
import type { AimuxEvents } from '../events/events.js'
import { type AI, type CreateAIOptions, createAI } from '../instance/create-ai.js'
import type { ProviderAdapter } from '../spec/provider.js'
import type { ModelCall, ModelResponse } from './middleware.js'
import { retryMiddleware } from './retry.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
const open: AI[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(open.splice(0).map((ai) => ai.close()))
})

async function setup(options: CreateAIOptions = {}) {
  const primary = mockProvider({ id: 'primary' })
  const backup = mockProvider({ id: 'backup' })
  const ai = await createAI({
    plugins: [primary, backup],
    defaultModel: 'primary:m',
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1_000 },
    ...options,
  })
  open.push(ai)
  const retries: AimuxEvents['retry'][] = []
  const switches: AimuxEvents['provider:switched'][] = []
  ai.on('retry', (event) => void retries.push(event))
  ai.on('provider:switched', (event) => void switches.push(event))
  return { primary, backup, ai, retries, switches }
}

describe('a Retry-After longer than maxDelayMs', () => {
  it('is not cut short: the call fails at once with the RateLimitError and its retryAfterMs', async () => {
    const { primary, ai, retries } = await setup()
    primary.enqueue({ error: { status: 429, retryAfterMs: 60_000 } }, { text: 'asked again too early' })
    const error = await ai.chat({ messages }).catch((e: unknown) => e)
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 60_000, provider: 'primary' })
    expect(primary.calls).toHaveLength(1)
    await ai.flush()
    expect(retries).toEqual([])
  })

  it('moves the call to the next fallback model instead of asking the same one again', async () => {
    const { primary, backup, ai, retries, switches } = await setup({
      fallbacks: { 'primary:m': ['backup:m'] },
    })
    primary.enqueue({ error: { status: 429, headers: { 'retry-after': '120' } } }, { text: 'unused' })
    backup.enqueue({ text: 'from the backup' })
    const res = await ai.chat({ messages })
    expect(res).toMatchObject({ text: 'from the backup', provider: 'backup' })
    expect(primary.calls).toHaveLength(1)
    await ai.flush()
    expect(retries).toEqual([])
    expect(switches.map((s) => [s.from, s.to, s.reason])).toEqual([['primary:m', 'backup:m', 'rate-limit']])
  })

  it('is still waited out when it is within maxDelayMs', async () => {
    const { primary, ai, retries } = await setup()
    primary.enqueue({ error: { status: 429, retryAfterMs: 20 } }, { text: 'ok' })
    expect((await ai.chat({ messages })).text).toBe('ok')
    await ai.flush()
    expect(retries.map((r) => r.delayMs)).toEqual([20])
  })

  it('is waited out when it is exactly maxDelayMs', async () => {
    const { primary, ai, retries } = await setup({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 30 },
    })
    primary.enqueue({ error: { status: 429, retryAfterMs: 30 } }, { text: 'ok' })
    expect((await ai.chat({ messages })).text).toBe('ok')
    expect(primary.calls).toHaveLength(2)
    await ai.flush()
    expect(retries.map((r) => r.delayMs)).toEqual([30])
  })
})

describe('a retry wait that would end exactly at the deadline', () => {
  it('is not taken: the error is thrown at once, with no retry', async () => {
    const frozen = Date.now()
    vi.spyOn(Date, 'now').mockReturnValue(frozen) // the clock stands still: the wait ends at the deadline
    const work = createBackgroundWork(() => {})
    const events = createEventBus(work)
    const retries: AimuxEvents['retry'][] = []
    events.on('retry', (e) => void retries.push(e))
    const call = {
      mode: 'generate',
      provider: { id: 'p' } as ProviderAdapter,
      request: { model: 'm', messages },
      ctx: {
        requestId: 'r',
        scope: {},
        signal: new AbortController().signal,
        deadline: frozen + 40,
        attempt: 1,
        step: 1,
        metadata: {},
        policy: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1_000 } },
      },
    } as ModelCall
    let attempts = 0
    const next = async (): Promise<ModelResponse> => {
      if (attempts++ === 0) throw new RateLimitError('slow down', { retryAfterMs: 40, provider: 'p' })
      return { mode: 'generate', result: { content: [], finishReason: 'stop' } as never }
    }
    const error = await retryMiddleware(events)(call, next).catch((e: unknown) => e)
    expect(RateLimitError.is(error)).toBe(true)
    expect(attempts).toBe(1)
    await work.flush()
    expect(retries).toEqual([])
  })
})
