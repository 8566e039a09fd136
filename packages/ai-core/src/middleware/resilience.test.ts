import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import type { AimuxEvents } from '../events/events.js'
import { type CreateAIOptions, createAI } from '../instance/create-ai.js'
import { backoffDelay } from '../spec/policy.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 50 }

async function setup(options: CreateAIOptions = {}) {
  const primary = mockProvider({ id: 'primary' })
  const backup = mockProvider({ id: 'backup' })
  const ai = await createAI({
    plugins: [primary, backup],
    defaultModel: 'primary:m',
    retry: fast,
    ...options,
  })
  const events: { name: string; payload: unknown }[] = []
  for (const name of ['retry', 'provider:switched', 'circuit:state'] as const) {
    ai.on(name, (payload) => void events.push({ name, payload }))
  }
  return { primary, backup, ai, events }
}

describe('retries', () => {
  it('retries retryable errors and succeeds, emitting each retry', async () => {
    const { primary, ai, events } = await setup()
    primary.enqueue({ error: { status: 503 } }, { dropConnection: true }, { text: 'third time' })
    const res = await ai.chat({ messages })
    expect(res.text).toBe('third time')
    expect(primary.calls.map((c) => c.ctx.attempt)).toEqual([1, 2, 3])
    await ai.flush()
    expect(events.map((e) => [e.name, (e.payload as AimuxEvents['retry']).attempt])).toEqual([
      ['retry', 1],
      ['retry', 2],
    ])
    await ai.close()
  })

  it.each([
    [400, {}],
    [401, {}],
    [403, {}],
    [404, {}],
    [429, { code: 'insufficient_quota' }],
    [400, { code: 'context_length_exceeded' }],
  ])('never retries %i %j', async (status, details) => {
    const { primary, ai } = await setup()
    primary.enqueue({ error: { status, ...details } }, { text: 'unused' })
    await expect(ai.chat({ messages })).rejects.toMatchObject({ status })
    expect(primary.calls).toHaveLength(1)
    await ai.close()
  })

  it('waits as long as Retry-After says, read again on every attempt', async () => {
    const { primary, ai, events } = await setup({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5_000 },
    })
    primary.enqueue(
      { error: { status: 429, retryAfterMs: 120 } },
      { error: { status: 429, headers: { 'retry-after-ms': '60' } } },
      { text: 'ok' },
    )
    const started = performance.now()
    await ai.chat({ messages })
    expect(performance.now() - started).toBeGreaterThanOrEqual(175)
    await ai.flush()
    expect(events.map((e) => (e.payload as AimuxEvents['retry']).delayMs)).toEqual([120, 60])
    await ai.close()
  })

  it('does not wait past the request deadline: it fails with the error at once', async () => {
    const { primary, ai } = await setup({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 60_000 } })
    primary.enqueue({ error: { status: 429, retryAfterMs: 30_000 } }, { text: 'unused' })
    const started = performance.now()
    await expect(ai.chat({ messages, timeout: { totalMs: 1_000 } })).rejects.toMatchObject({
      code: 'rate-limit',
    })
    expect(performance.now() - started).toBeLessThan(5_000) // not the 30 s the provider asked for
    await ai.close()
  })

  it('can be turned off per request, and gives up after maxAttempts', async () => {
    const { primary, ai } = await setup()
    primary.enqueue({ error: { status: 500 } }, { text: 'unused' })
    await expect(ai.chat({ messages, retry: false })).rejects.toMatchObject({ status: 500 })
    primary.reset()
    primary.enqueue({ error: { status: 500 } }, { error: { status: 502 } }, { error: { status: 503 } })
    await expect(ai.chat({ messages })).rejects.toMatchObject({ status: 503 })
    expect(primary.calls).toHaveLength(3)
    await ai.close()
  })

  it('retries a stream only before its first part reached the caller', async () => {
    const { primary, ai } = await setup()
    primary.enqueue(
      { error: { status: 503 } },
      { chunks: ['a', 'b', 'c'], breakAfterChunks: 1 },
      { text: 'unused' },
    )
    const texts: string[] = []
    const error = await (async () => {
      for await (const part of ai.stream({ messages })) if (part.type === 'text-delta') texts.push(part.text)
    })().catch((e) => e)
    expect(texts).toEqual(['a'])
    expect(error.code).toBe('stream-interrupted')
    expect(primary.calls).toHaveLength(2)
    await ai.close()
  })

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 350 }
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt, () => 1))).toEqual([
      100, 200, 350, 350,
    ])
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(175)
    expect(backoffDelay(policy, 3, () => 0)).toBe(0)
  })
})

describe('timeouts', () => {
  it('times out a slow attempt with a retryable TimeoutError and retries it', async () => {
    const { primary, ai } = await setup()
    // The second reply comes at once: the bound is far above what it takes on a loaded machine.
    primary.enqueue({ text: 'slow', delayMs: 60_000 }, { text: 'fast' })
    const res = await ai.chat({ messages, timeout: { attemptMs: 1_000 } })
    expect(res.text).toBe('fast')
    expect(primary.calls[0]?.ctx.signal.aborted).toBe(true)
    await ai.close()
  })

  it('ends the whole request at its total timeout', async () => {
    const { primary, ai } = await setup()
    primary.enqueue({ text: 'slow', delayMs: 20_000 })
    const started = performance.now()
    const error = await ai.chat({ messages, timeout: { totalMs: 80 } }).catch((e) => e)
    expect(error).toMatchObject({ code: 'timeout', retryable: false })
    expect(error.message).toBe('The request did not finish within its total timeout of 80 ms.')
    expect(performance.now() - started).toBeLessThan(10_000) // not the 20 s the reply takes
    await ai.close()
  })
})

describe('fallbacks', () => {
  it('moves to the next model of the chain and says which one served', async () => {
    const { primary, backup, ai, events } = await setup({
      fallbacks: { 'primary:m': ['backup:b'] },
      retry: false,
    })
    primary.enqueue({ error: { status: 503 } })
    backup.enqueue({ text: 'from backup', usage: { inputTokens: 5, outputTokens: 5 } })
    const res = await ai.chat({ messages, requestId: 'fb' })
    expect([res.provider, res.model, res.text]).toEqual(['backup', 'b', 'from backup'])
    expect(await ai.usage.get('fb')).toMatchObject({ provider: 'backup', model: 'b', success: true })
    await ai.flush()
    expect(events).toEqual([
      {
        name: 'provider:switched',
        payload: { requestId: 'fb', from: 'primary:m', to: 'backup:b', reason: 'provider', step: 1 },
      },
    ])
    await ai.close()
  })

  it('does not move on a mistake of the caller, such as a 400', async () => {
    const { primary, backup, ai } = await setup({ fallbacks: { 'primary:m': ['backup:b'] } })
    primary.enqueue({ error: { status: 400, message: 'bad' } })
    await expect(ai.chat({ messages })).rejects.toMatchObject({ status: 400 })
    expect(backup.calls).toHaveLength(0)
    await ai.close()
  })

  it('sends a prompt that does not fit to the larger-context model', async () => {
    const { primary, backup, ai } = await setup({ contextFallbacks: { 'primary:m': 'backup:huge' } })
    primary.enqueue({ error: { status: 400, code: 'context_length_exceeded' } })
    backup.enqueue({ text: 'fits' })
    expect((await ai.chat({ messages })).model).toBe('huge')
    await ai.close()
  })

  it('asks a configured model again when a content filter stopped the reply', async () => {
    const { primary, backup, ai } = await setup({ contentFilterFallbacks: { 'primary:m': 'backup:lenient' } })
    primary.enqueue({ text: '', finishReason: 'content-filter' })
    backup.enqueue({ text: 'answered' })
    const res = await ai.chat({ messages })
    expect([res.model, res.text, res.finishReason]).toEqual(['lenient', 'answered', 'stop'])
    await ai.close()
  })

  it('takes a per-request chain and validates it before sending', async () => {
    const { primary, backup, ai } = await setup({ retry: false })
    primary.enqueue({ error: { status: 500 } })
    backup.enqueue({ text: 'ok' })
    expect((await ai.chat({ messages, fallbacks: ['backup:x'] })).provider).toBe('backup')
    await expect(ai.chat({ messages, fallbacks: ['nowhere:x'] })).rejects.toThrow(
      /Unknown provider 'nowhere'/,
    )
    await ai.close()
  })

  it('refuses a chain naming an unknown provider when the instance is created', async () => {
    await expect(
      createAI({ plugins: [mockProvider({ id: 'primary' })], fallbacks: { 'primary:m': ['ghost:x'] } }),
    ).rejects.toThrow(/Unknown provider 'ghost'/)
  })
})

describe('circuit breaker', () => {
  it('opens after the failure rate passes, fails fast to the fallback, then half-opens and closes', async () => {
    const { primary, backup, ai, events } = await setup({
      retry: false,
      fallbacks: { 'primary:m': ['backup:b'] },
      circuitBreaker: { failureRate: 0.5, minRequests: 2, windowMs: 10_000, openMs: 100 },
    })
    backup.enqueue({ text: 'b1' }, { text: 'b2' }, { text: 'b3' })
    primary.enqueue({ error: { status: 500 } }, { error: { status: 500 } })
    await ai.chat({ messages })
    await ai.chat({ messages })
    // Open: the primary is not called at all.
    const res = await ai.chat({ messages })
    expect(res.text).toBe('b3')
    expect(primary.calls).toHaveLength(2)
    await new Promise((r) => setTimeout(r, 120))
    primary.enqueue({ text: 'healed' })
    expect((await ai.chat({ messages })).text).toBe('healed')
    await ai.flush()
    const states = events
      .filter((e) => e.name === 'circuit:state')
      .map((e) => [
        (e.payload as AimuxEvents['circuit:state']).from,
        (e.payload as AimuxEvents['circuit:state']).to,
      ])
    expect(states).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ])
    const switched = events
      .filter((e) => e.name === 'provider:switched')
      .map((e) => (e.payload as { reason: string }).reason)
    expect(switched).toEqual(['provider', 'provider', 'circuit-open'])
    await ai.close()
  })

  it('does not count a refused request (400) against the provider', async () => {
    const { primary, ai } = await setup({
      retry: false,
      circuitBreaker: { failureRate: 0.5, minRequests: 1, windowMs: 10_000, openMs: 10_000 },
    })
    primary.enqueue({ error: { status: 400 } }, { text: 'still closed' })
    await expect(ai.chat({ messages })).rejects.toMatchObject({ status: 400 })
    expect((await ai.chat({ messages })).text).toBe('still closed')
    await ai.close()
  })
})
