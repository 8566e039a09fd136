import { type AimuxEvents, type CreateAIOptions, createAI } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { openai } from './openai.js'

// The core's retries, timeouts, circuit breaker, fallbacks, budgets, rate limits and cache, with
// the real openai SDK talking to fake servers that answer with scripted faults.

const messages = [{ role: 'user' as const, content: 'Hi' }]
const servers: FakeServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function setup(options: CreateAIOptions = {}) {
  const primary = await createFakeServer(openaiChatProtocol())
  const backup = await createFakeServer(openaiChatProtocol())
  servers.push(primary, backup)
  const ai = await createAI({
    plugins: [
      openai({ apiKey: 'sk-test-primary-0123456789', baseURL: `${primary.url}/v1` }),
      openai({ id: 'backup', apiKey: 'sk-test-backup-0123456789', baseURL: `${backup.url}/v1` }),
    ],
    defaultModel: 'openai:gpt-4o-mini',
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2_000 },
    ...options,
  })
  const events: { name: string; payload: unknown }[] = []
  for (const name of ['retry', 'provider:switched', 'circuit:state', 'cache', 'rate-limit'] as const) {
    ai.on(name, (payload) => void events.push({ name, payload }))
  }
  return { primary, backup, ai, events }
}

describe('resilience over the wire', () => {
  it('retries a 503 after the retry-after the server sent, and a dropped connection', async () => {
    const { primary, ai, events } = await setup()
    primary.enqueue(
      { error: { status: 503, headers: { 'retry-after-ms': '120' } } },
      { dropConnection: true },
      { text: 'third time' },
    )
    const started = performance.now()
    expect((await ai.chat({ messages })).text).toBe('third time')
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
    expect(primary.requests).toHaveLength(3)
    await ai.flush()
    const retries = events.filter((e) => e.name === 'retry').map((e) => e.payload as AimuxEvents['retry'])
    expect(retries.map((r) => [r.error.code, r.delayMs >= 0])).toEqual([
      ['provider', true],
      ['connection', true],
    ])
    expect(retries[0]?.delayMs).toBe(120)
    await ai.close()
  })

  it('never retries an exhausted quota or a refused key', async () => {
    const { primary, ai } = await setup()
    primary.enqueue({ error: { status: 429, code: 'insufficient_quota' } })
    await expect(ai.chat({ messages })).rejects.toMatchObject({ code: 'quota-exceeded' })
    primary.enqueue({ error: { status: 401 } })
    await expect(ai.chat({ messages })).rejects.toMatchObject({ code: 'authentication' })
    expect(primary.requests).toHaveLength(2)
    await ai.close()
  })

  it('retries a stream refused before its first part, never one that broke after it', async () => {
    const { primary, ai } = await setup()
    primary.enqueue({ error: { status: 502 } }, { chunks: ['one ', 'two ', 'three'], breakAfterChunks: 2 })
    const texts: string[] = []
    const error = await (async () => {
      for await (const part of ai.stream({ messages })) if (part.type === 'text-delta') texts.push(part.text)
    })().catch((e) => e)
    expect(texts).toEqual(['one ', 'two '])
    expect(error).toMatchObject({ code: 'stream-interrupted', partialText: 'one two ' })
    expect(primary.requests).toHaveLength(2)
    await ai.close()
  })

  it('times out a slow attempt and retries it', async () => {
    const { primary, ai } = await setup()
    // The second reply comes at once: the bound is far above what it takes on a loaded machine.
    primary.enqueue({ text: 'too late', delayMs: 60_000 }, { text: 'in time' })
    const res = await ai.chat({ messages, timeout: { attemptMs: 2_000 } })
    expect(res.text).toBe('in time')
    expect(primary.requests).toHaveLength(2)
    await ai.close()
  })

  it('falls back to another provider instance and bills at the model that served', async () => {
    const { primary, backup, ai, events } = await setup({
      retry: false,
      fallbacks: { 'openai:gpt-4o-mini': ['backup:gpt-4.1-mini'] },
    })
    primary.enqueue({ error: { status: 500 } })
    backup.enqueue({ text: 'from backup', usage: { inputTokens: 1_000, outputTokens: 1_000 } })
    const res = await ai.chat({ messages, requestId: 'fb' })
    expect([res.provider, res.model, res.text]).toEqual(['backup', 'gpt-4.1-mini', 'from backup'])
    expect(res.cost.nanoUsd).toBe(1_000 * 400 + 1_000 * 1_600) // gpt-4.1-mini: $0.40 in, $1.60 out
    expect(backup.requests[0]?.body).toMatchObject({ model: 'gpt-4.1-mini' })
    expect(await ai.usage.get('fb')).toMatchObject({ provider: 'backup', model: 'gpt-4.1-mini' })
    await ai.flush()
    expect(events.find((e) => e.name === 'provider:switched')?.payload).toMatchObject({
      from: 'openai:gpt-4o-mini',
      to: 'backup:gpt-4.1-mini',
      reason: 'provider',
    })
    await ai.close()
  })

  it('opens the circuit after failures and stops calling the failing server', async () => {
    const { primary, backup, ai } = await setup({
      retry: false,
      fallbacks: { 'openai:gpt-4o-mini': ['backup:gpt-4o-mini'] },
      circuitBreaker: { failureRate: 0.5, minRequests: 2, windowMs: 60_000, openMs: 60_000 },
    })
    primary.enqueue({ error: { status: 500 } }, { error: { status: 500 } })
    backup.enqueue({ text: 'b' }, { text: 'b' }, { text: 'b' }, { text: 'b' })
    for (let i = 0; i < 4; i++) expect((await ai.chat({ messages })).text).toBe('b')
    expect(primary.requests).toHaveLength(2)
    expect(backup.requests).toHaveLength(4)
    await ai.close()
  })

  it('refuses a call over a hard budget before anything reaches the server', async () => {
    const { primary, ai } = await setup({ budgets: [{ scope: 'user', limitUsd: 0.000001, period: 'day' }] })
    await expect(ai.chat({ messages, scope: { userId: 'u' }, maxOutputTokens: 100 })).rejects.toMatchObject({
      code: 'budget-exceeded',
    })
    expect(primary.requests).toHaveLength(0)
    await ai.close()
  })

  it('answers a repeated request from the cache and refuses calls over a rate limit, unsent', async () => {
    const { primary, ai } = await setup({
      cache: {},
      rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 2 }] },
    })
    primary.enqueue({ text: 'cached answer' }, { text: 'second' })
    expect((await ai.chat({ messages, scope: { userId: 'u' } })).text).toBe('cached answer')
    const hit = await ai.chat({ messages, scope: { userId: 'u' } })
    expect([hit.text, hit.cost.source]).toEqual(['cached answer', 'cache'])
    await expect(ai.chat({ messages, scope: { userId: 'u' }, cache: false })).rejects.toMatchObject({
      code: 'rate-limit',
    })
    expect(primary.requests).toHaveLength(1)
    await ai.close()
  })

  it('routes a model group: the cheapest capable model first, the rest as its fallbacks', async () => {
    const { primary, backup, ai, events } = await setup({
      retry: false,
      groups: { cheap: { strategy: 'lowest-cost', models: ['backup:gpt-4.1-mini', 'openai:gpt-4o-mini'] } },
    })
    primary.enqueue({ error: { status: 503 } })
    backup.enqueue({ text: 'from the second cheapest' })
    const res = await ai.chat({ model: '@cheap', messages })
    // gpt-4o-mini ($0.15 / $0.60) is cheaper than gpt-4.1-mini ($0.40 / $1.60): tried first, then the other.
    expect([res.provider, res.model, res.text]).toEqual([
      'backup',
      'gpt-4.1-mini',
      'from the second cheapest',
    ])
    expect(primary.requests).toHaveLength(1)
    await ai.flush()
    expect(events.find((e) => e.name === 'provider:switched')?.payload).toMatchObject({
      from: 'openai:gpt-4o-mini',
      to: 'backup:gpt-4.1-mini',
    })
    await ai.close()
  })
})
