import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ConfigError, ValidationError } from '../errors/errors.js'
import type { AimuxEvents } from '../events/events.js'
import { type CreateAIOptions, createAI } from '../instance/create-ai.js'
import { defineProvider, type ProviderResult } from '../spec/provider.js'

const ask = (userId: string, extra: object = {}) => ({
  messages: [{ role: 'user' as const, content: 'Hi' }],
  scope: { userId },
  ...extra,
})

async function setup(rateLimits: CreateAIOptions['rateLimits']) {
  const mock = mockProvider({ defaultTurn: { text: 'ok', usage: { inputTokens: 40, outputTokens: 10 } } })
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m', rateLimits, retry: false })
  const seen: AimuxEvents['rate-limit'][] = []
  ai.on('rate-limit', (e) => void seen.push(e))
  return { mock, ai, seen }
}

describe('rate limits', () => {
  it('gives every user the tier of the rule, with overrides for one user', async () => {
    const { ai, seen } = await setup({
      tiers: { free: { requestsPerDay: 2 }, starter: { requestsPerDay: 4 } },
      rules: [
        { scope: 'user', tier: 'free' },
        { scope: 'user', id: 'vip', tier: 'starter' },
      ],
    })
    await ai.chat(ask('u1'))
    await ai.chat(ask('u1'))
    const error = await ai.chat(ask('u1')).catch((e) => e)
    expect(error.code).toBe('rate-limit')
    expect(error.message).toMatch(
      /^The rate limit of user 'u1' is reached: 2 requests per day\. Try again in \d+ ms\.$/,
    )
    expect(error.retryAfterMs).toBeGreaterThan(86_000_000)
    for (let i = 0; i < 4; i++) await ai.chat(ask('vip'))
    await expect(ai.chat(ask('vip'))).rejects.toMatchObject({ code: 'rate-limit' })
    await ai.flush()
    expect(seen.map((e) => [e.scope, e.id, e.limit, e.max, e.action])).toEqual([
      ['user', 'u1', 'requestsPerDay', 2, 'reject'],
      ['user', 'vip', 'requestsPerDay', 4, 'reject'],
    ])
    await ai.close()
  })

  it('lets the application choose a user tier, and counts tokens when calls end', async () => {
    const { ai } = await setup({
      tiers: { free: { tokensPerMinute: 100 }, pro: { tokensPerMinute: 1_000 } },
      rules: [{ scope: 'user', tier: 'free' }],
      tierOf: (_scope, id) => (id.startsWith('pro-') ? 'pro' : undefined),
    })
    await ai.chat(ask('u1')) // 50 tokens
    await ai.chat(ask('u1')) // 100 tokens: the next call has no room
    await expect(ai.chat(ask('u1'))).rejects.toMatchObject({ code: 'rate-limit' })
    for (let i = 0; i < 5; i++) await ai.chat(ask('pro-1'))
    await ai.close()
  })

  it('waits for room up to maxWaitMs instead of failing', async () => {
    const { ai, seen } = await setup({
      rules: [{ scope: 'provider', id: 'mock', requestsPerMinute: 1 }],
      maxWaitMs: 120_000,
    })
    await ai.chat(ask('u'))
    const controller = new AbortController()
    const waiting = ai.chat(ask('u', { signal: controller.signal }))
    await new Promise((r) => setTimeout(r, 30))
    await ai.flush()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      scope: 'provider',
      id: 'mock',
      limit: 'requestsPerMinute',
      action: 'wait',
    })
    expect(seen[0]!.retryAfterMs).toBeGreaterThan(59_000)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' })
    await ai.close()
  })

  it('limits one model without touching another', async () => {
    const { ai } = await setup({ rules: [{ scope: 'model', id: 'mock:big', requestsPerMinute: 1 }] })
    await ai.chat(ask('u', { model: 'mock:big' }))
    await expect(ai.chat(ask('u', { model: 'mock:big' }))).rejects.toMatchObject({ code: 'rate-limit' })
    await ai.chat(ask('u', { model: 'mock:small' }))
    await ai.chat(ask('u', { model: 'mock:small' }))
    await ai.close()
  })

  it('refuses a rule naming an unknown tier when the instance is created, naming the field', async () => {
    const error = await createAI({
      plugins: [mockProvider()],
      rateLimits: { tiers: { free: { requestsPerDay: 1 } }, rules: [{ scope: 'user', tier: 'gold' }] },
    }).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toBe(
      "Invalid createAI options: rateLimits.rules[0].tier: names the tier 'gold', which 'tiers' does not define (defined: free)",
    )
  })

  it('refuses a call whose tierOf names an unknown tier with a ConfigError, not a retryable rate limit', async () => {
    const { mock, ai } = await setup({
      tiers: { free: { requestsPerDay: 2 } },
      rules: [{ scope: 'user', tier: 'free' }],
      tierOf: () => 'gold',
    })
    const error = await ai.chat(ask('u')).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error).toMatchObject({
      retryable: false,
      message: "Rate limits: unknown tier 'gold' for user 'u'.",
    })
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('counts a provider whose usage leaves out totalTokens by input plus output, never NaN', async () => {
    const partial = { inputTokens: 40, outputTokens: 10 } as ProviderResult['usage']
    const result: ProviderResult = { content: [], finishReason: 'stop', usage: partial }
    const loose = defineProvider({
      id: 'loose',
      generate: async () => result,
      stream: async function* () {
        yield { type: 'usage', usage: partial }
        yield { type: 'finish', finishReason: 'stop' }
      },
    })
    const ai = await createAI({
      plugins: [{ name: 'loose', setup: (host) => host.registerProvider(loose) }],
      defaultModel: 'loose:m',
      rateLimits: { rules: [{ scope: 'user', tokensPerMinute: 120 }] },
      retry: false,
    })
    await ai.chat(ask('u1'))
    for await (const _ of ai.stream(ask('u1'))) {
    }
    // 2 x 50 tokens counted: a third call still fits under 120, a fourth does not.
    await ai.chat(ask('u1'))
    await expect(ai.chat(ask('u1'))).rejects.toThrow(/120 tokens per minute/)
    await ai.close()
  })
})
