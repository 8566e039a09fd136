import { mockProvider } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BudgetExceededError, RateLimitError, ValidationError } from '../errors/errors.js'
import type { AimuxEvents } from '../events/events.js'
import { type CreateAIOptions, createAI } from '../instance/create-ai.js'
import type { RequestLimits } from '../spec/request.js'
import { periodStart } from './budget-guard.js'

const prices = [{ provider: 'mock', model: 'm', price: { input: 1_000, output: 1_000 } }] // $0.001 a token
// Each call: estimated at 5 prompt tokens + 10 of output ($0.015), costs 10 tokens ($0.01).
const ask = (limits?: RequestLimits, extra: object = {}) => ({
  messages: [{ role: 'user' as const, content: 'Hi' }],
  maxOutputTokens: 10,
  ...(limits ? { limits } : {}),
  ...extra,
})
// A UTC midnight: every rate-limit bucket starts here.
const T0 = Date.UTC(2030, 0, 15)

async function setup(options: CreateAIOptions = {}) {
  const mock = mockProvider({ defaultTurn: { text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } } })
  const ai = await createAI({
    plugins: [mock],
    defaultModel: 'mock:m',
    prices,
    retry: false,
    ...options,
  })
  const seen = {
    rate: [] as AimuxEvents['rate-limit'][],
    exceeded: [] as AimuxEvents['budget:exceeded'][],
    thresholds: [] as AimuxEvents['budget:threshold'][],
  }
  ai.on('rate-limit', (e) => void seen.rate.push(e))
  ai.on('budget:exceeded', (e) => void seen.exceeded.push(e))
  ai.on('budget:threshold', (e) => void seen.thresholds.push(e))
  return { mock, ai, seen }
}

// Only Date is faked: the rate limiter and the budget guard read it, the mock provider's timers
// stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('per-call limits: budgets', () => {
  it("refuses a call that would pass the key's budget, on the key's own counter, without any instance budget", async () => {
    const { mock, ai, seen } = await setup()
    const limits: RequestLimits = { key: 'vk_1', budgets: [{ limitUsd: 0.025, period: 'day' }] }
    await ai.chat(ask(limits))
    await ai.chat(ask(limits))
    await ai.flush()
    const error = await ai.chat(ask(limits)).catch((e) => e)
    expect(BudgetExceededError.is(error)).toBe(true)
    expect(error.message).toBe(
      "The day budget for key 'vk_1' would be passed: $0.020 of $0.025 spent or reserved, and this call is estimated at $0.015.",
    )
    expect(mock.calls).toHaveLength(2)
    const key = { scope: 'key', scopeId: 'vk_1', period: 'day', periodStart: '2030-01-15' } as const
    expect(await ai.store.spend.getSpend(key)).toEqual({ spentNanoUsd: 20_000_000, reservedNanoUsd: 0 })
    await ai.flush()
    expect(seen.exceeded).toEqual([
      {
        ...key,
        spentNanoUsd: 20_000_000,
        limitNanoUsd: 25_000_000,
        requestId: expect.any(String),
        estimatedNanoUsd: 15_000_000,
      },
    ])
    // Another key has its own counter.
    expect((await ai.chat(ask({ ...limits, key: 'vk_2' }))).text).toBe('ok')
    await ai.close()
  })

  it("reserves the key's budgets with the instance's, all or none", async () => {
    const { ai } = await setup({ budgets: [{ scope: 'user', limitUsd: 0.02, period: 'month' }] })
    const limits: RequestLimits = { key: 'vk_1', budgets: [{ limitUsd: 1, period: 'total' }] }
    const scope = { userId: 'u1' }
    await ai.chat(ask(limits, { scope }))
    // The user's budget refuses the next call: nothing is reserved on the key either.
    await expect(ai.chat(ask(limits, { scope }))).rejects.toMatchObject({ code: 'budget-exceeded' })
    const key = { scope: 'key', scopeId: 'vk_1', period: 'total', periodStart: '1970-01-01' } as const
    expect(await ai.store.spend.getSpend(key)).toEqual({ spentNanoUsd: 10_000_000, reservedNanoUsd: 0 })
    await ai.close()
  })

  it('emits thresholds on the key, watches a soft budget, and reports its status', async () => {
    const { ai, seen } = await setup()
    const limits: RequestLimits = {
      key: 'vk_1',
      budgets: [{ limitUsd: 0.02, period: 'week', thresholds: [0.5, 1], hard: false }],
    }
    for (let i = 0; i < 3; i++) {
      await ai.chat(ask(limits))
      await ai.flush()
    }
    const week = periodStart('week', new Date(T0))
    expect(seen.thresholds.map((t) => [t.scope, t.scopeId, t.period, t.periodStart, t.threshold])).toEqual([
      ['key', 'vk_1', 'week', week, 0.5],
      ['key', 'vk_1', 'week', week, 1],
    ])
    expect(await ai.budgets.status({}, limits)).toEqual([
      expect.objectContaining({
        scope: 'key',
        scopeId: 'vk_1',
        period: 'week',
        hard: false,
        spentNanoUsd: 30_000_000,
        limitNanoUsd: 20_000_000,
        remainingNanoUsd: 0,
      }),
    ])
    expect(await ai.budgets.status({})).toEqual([])
    await ai.close()
  })

  it('refuses a fallback to an unpriced model under a hard key budget', async () => {
    const primary = mockProvider()
    const backup = mockProvider({ id: 'backup' })
    const { ai } = await setup({ plugins: [primary, backup], fallbacks: { 'mock:m': ['backup:b'] } })
    primary.enqueue({ error: { status: 503 } })
    const error = await ai
      .chat(ask({ key: 'vk_1', budgets: [{ limitUsd: 1, period: 'day' }] }))
      .catch((e) => e)
    expect(error).toMatchObject({ code: 'config' })
    expect(error.message).toMatch(/^The fallback model 'backup:b' has no price/)
    expect(backup.calls).toHaveLength(0)
    await ai.close()
  })
})

describe('per-call limits: rate limits', () => {
  it('refuses a call over the key’s requests per minute, with the exact wait, without any instance rate limit', async () => {
    const { mock, ai, seen } = await setup()
    vi.setSystemTime(T0 + 500)
    const limits: RequestLimits = { key: 'vk_1', requestsPerMinute: 2 }
    await ai.chat(ask(limits))
    await ai.chat(ask(limits))
    const error = await ai.chat(ask(limits)).catch((e) => e)
    expect(RateLimitError.is(error)).toBe(true)
    // The first call's bucket (the second from T0) leaves the window a minute after it ends.
    expect(error.retryAfterMs).toBe(60_500)
    expect(error.message).toBe(
      "The rate limit of key 'vk_1' is reached: 2 requests per minute. Try again in 60500 ms.",
    )
    expect(mock.calls).toHaveLength(2)
    await ai.flush()
    expect(seen.rate).toEqual([
      {
        requestId: expect.any(String),
        scope: 'key',
        id: 'vk_1',
        limit: 'requestsPerMinute',
        max: 2,
        retryAfterMs: 60_500,
        action: 'reject',
      },
    ])
    // Another key, and a call without limits, are not held back.
    await ai.chat(ask({ key: 'vk_2', requestsPerMinute: 2 }))
    await ai.chat(ask())
    vi.setSystemTime(T0 + 61_000)
    expect((await ai.chat(ask(limits))).text).toBe('ok')
    await ai.close()
  })

  it('counts tokens per day on the key, with the instance rate limits as well', async () => {
    const { ai } = await setup({ rateLimits: { rules: [{ scope: 'provider', requestsPerMinute: 100 }] } })
    const limits: RequestLimits = { key: 'vk_1', tokensPerDay: 20 }
    await ai.chat(ask(limits)) // 10 tokens
    vi.setSystemTime(T0 + 3_600_000)
    await ai.chat(ask(limits)) // 20 tokens: the day is used up
    const error = await ai.chat(ask(limits)).catch((e) => e)
    expect(error).toMatchObject({ code: 'rate-limit' })
    // The first call's minute bucket leaves the day window a day and a minute after T0.
    expect(error.retryAfterMs).toBe(86_400_000 + 60_000 - 3_600_000)
    await ai.close()
  })
})

describe('per-call limits: the request field', () => {
  it.each([
    [{ key: '' }, 'limits.key'],
    [{ key: 'k', requestsPerMinute: 0 }, 'limits.requestsPerMinute'],
    [{ key: 'k', tokensPerDay: 1.5 }, 'limits.tokensPerDay'],
    [{ key: 'k', budgets: [{ limitUsd: 1, period: 'year' }] }, 'limits.budgets[0].period'],
    [{ key: 'k', budgets: [{ limitUsd: -1, period: 'day' }] }, 'limits.budgets[0].limitUsd'],
    [
      { key: 'k', budgets: [{ limitUsd: 1, period: 'day', thresholds: [2] }] },
      'limits.budgets[0].thresholds[0]',
    ],
    [{ key: 'k', requestsPerHour: 5 }, 'limits'],
  ])('refuses %j, naming %s', async (limits, field) => {
    const { mock, ai } = await setup()
    const error = await ai.chat(ask(limits as RequestLimits)).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toContain(`${field}: `)
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('is accepted by streams and conversations too', async () => {
    const { ai } = await setup()
    const limits: RequestLimits = { key: 'vk_1', requestsPerMinute: 1 }
    expect((await ai.stream(ask(limits)).result).text).toBe('ok')
    const chat = await ai.conversation()
    await expect(chat.send('Hi', { limits })).rejects.toMatchObject({ code: 'rate-limit' })
    await ai.close()
  })

  it('checks the limits ai.budgets.status is given', async () => {
    const { ai } = await setup()
    await expect(
      ai.budgets.status({}, { key: 'k', budgets: [{ limitUsd: 0, period: 'day' }] }),
    ).rejects.toThrow(/limitUsd/)
    await ai.close()
  })
})
