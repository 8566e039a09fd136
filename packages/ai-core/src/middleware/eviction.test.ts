import { describe, expect, it, vi } from 'vitest'
import { emptyUsage } from '../cost/usage.js'
import { ProviderError } from '../errors/errors.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus } from '../events/event-bus.js'
import type { IdleMap } from '../store/memory/idle-map.js'
import { createMemoryCircuitState } from '../store/memory/memory-circuit-state.js'
import { createMemoryRateLimitState } from '../store/memory/memory-rate-limit-state.js'
import { circuitBreakerMiddleware, circuitBreakerSchema } from './circuit-breaker.js'
import type { ModelCall, ModelResponse } from './middleware.js'
import { type RateLimits, rateLimitMiddleware, rateLimitsSchema } from './rate-limiter.js'

// Every idle map the in-memory state makes, to read how many entries it holds.
const maps = vi.hoisted(() => [] as IdleMap<unknown, unknown>[])
vi.mock('../store/memory/idle-map.js', async (original) => {
  const real = await original<typeof import('../store/memory/idle-map.js')>()
  return {
    ...real,
    createIdleMap: (options: Parameters<typeof real.createIdleMap>[0]) => {
      const map = real.createIdleMap(options)
      maps.push(map)
      return map
    },
  }
})

const events = () => createEventBus(createBackgroundWork(() => {}))
const rateLimiter = (limits: RateLimits, now: () => number) =>
  rateLimitMiddleware(limits, events(), createMemoryRateLimitState({ maxCounters: limits.maxCounters }), now)
const call = (userId: string, model = 'm'): ModelCall =>
  ({
    provider: { id: 'p' },
    request: { model, messages: [] },
    ctx: { requestId: 'r', scope: { userId }, signal: new AbortController().signal },
    mode: 'generate',
  }) as unknown as ModelCall
const ok = async (): Promise<ModelResponse> => ({
  mode: 'generate',
  result: {
    content: [],
    finishReason: 'stop',
    usage: { ...emptyUsage(), inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  },
})

describe('memory under many distinct keys', () => {
  it('drops a rate-limit counter once its windows have emptied', async () => {
    maps.length = 0
    const clock = { t: 0 }
    const limits = rateLimitsSchema.parse({ rules: [{ scope: 'user', requestsPerMinute: 1 }] })
    const limit = rateLimiter(limits, () => clock.t)
    const counters = maps[0]!
    for (let i = 0; i < 1_000; i++) await limit(call(`u${i}`), ok)
    expect(counters.size).toBe(1_000)
    // u0 is still counted a minute later; a minute and a bucket after, every counter is idle.
    clock.t = 60_000
    await expect(limit(call('u0'), ok)).rejects.toMatchObject({ code: 'rate-limit' })
    clock.t = 200_000
    await limit(call('late'), ok)
    expect(counters.size).toBe(1)
  })

  it('keeps a day-limit counter for a day, and at most maxCounters of them', async () => {
    maps.length = 0
    const clock = { t: 0 }
    const limits = rateLimitsSchema.parse({
      rules: [{ scope: 'user', requestsPerDay: 1 }],
      maxCounters: 100,
    })
    const limit = rateLimiter(limits, () => clock.t)
    const counters = maps[0]!
    await limit(call('u0'), ok)
    clock.t = 3_600_000 // an hour on, u0 has used its day
    await expect(limit(call('u0'), ok)).rejects.toMatchObject({ code: 'rate-limit' })
    for (let i = 1; i <= 1_000; i++) await limit(call(`u${i}`), ok)
    expect(counters.size).toBe(100)
    // u0's counter was used least recently: dropped past the bound, so it starts from zero.
    await limit(call('u0'), ok)
  })

  it('forgets a closed circuit with no recent outcome, and keeps an open one while it is open', async () => {
    maps.length = 0
    const clock = { t: 0 }
    const options = circuitBreakerSchema.parse({ minRequests: 1, windowMs: 10_000, openMs: 20_000 })
    const breaker = circuitBreakerMiddleware(options, events(), createMemoryCircuitState(), () => clock.t)
    const circuits = maps[0]!
    const fail = async (): Promise<ModelResponse> => {
      throw new ProviderError('down', { retryable: true })
    }
    await expect(breaker(call('u', 'broken'), fail)).rejects.toMatchObject({ code: 'provider' })
    for (let i = 0; i < 1_000; i++) await breaker(call('u', `model-${i}`), ok)
    expect(circuits.size).toBe(1_001)
    clock.t = 15_000 // past the window, inside openMs: the broken model's circuit still fails fast
    await expect(breaker(call('u', 'broken'), ok)).rejects.toMatchObject({ code: 'circuit-open' })
    clock.t = 36_000 // 21 s after the last touch: everything idle
    await breaker(call('u', 'fresh'), ok)
    expect(circuits.size).toBe(1)
  })
})
