import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ConfigError, ProviderError } from '../errors/errors.js'
import type { AimuxEvents } from '../events/events.js'
import { type CreateAIOptions, createAI } from '../instance/create-ai.js'

const prices = [{ provider: 'primary', model: 'm', price: { input: 0.15, output: 0.6 } }]
const roomy = [{ scope: 'global' as const, limitUsd: 1, period: 'total' as const }]
const messages = [{ role: 'user' as const, content: 'Hi' }]
const outage = { error: { status: 503, message: 'overloaded' } }

async function setup(options: CreateAIOptions = {}) {
  const primary = mockProvider({ id: 'primary' })
  const backup = mockProvider({ id: 'backup', defaultTurn: { text: 'from backup' } })
  const ai = await createAI({
    plugins: [primary, backup],
    prices,
    retry: false,
    fallbacks: { 'primary:m': ['backup:unlisted'] },
    ...options,
  })
  const switched: AimuxEvents['provider:switched'][] = []
  const unpriced: AimuxEvents['cost:unpriced'][] = []
  ai.on('provider:switched', (e) => void switched.push(e))
  ai.on('cost:unpriced', (e) => void unpriced.push(e))
  return { primary, backup, ai, switched, unpriced }
}

describe('a hard budget and a fallback to a model without a price', () => {
  it('refuses to hand the call over, naming the model and how to price it', async () => {
    const { primary, backup, ai, switched, unpriced } = await setup({ budgets: roomy })
    primary.enqueue(outage)
    const error = await ai.chat({ model: 'primary:m', messages }).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toContain("fallback model 'backup:unlisted' has no price")
    expect(error.message).toContain("the call on 'primary:m' was not handed over to it")
    expect(error.message).toContain("prices: [{ provider: 'backup', model: 'unlisted'")
    expect(error.message).toContain("unpricedModels: 'allow'")
    expect(error).toMatchObject({ provider: 'backup', model: 'unlisted', retryable: false })
    // The failure that made the call move stays readable as the cause.
    expect(ProviderError.is(error.cause)).toBe(true)
    expect(error.cause).toMatchObject({ status: 503, provider: 'primary' })
    expect(primary.calls).toHaveLength(1)
    expect(backup.calls).toHaveLength(0)
    await ai.flush()
    expect(switched).toEqual([])
    expect(unpriced).toEqual([])
    await ai.close()
  })

  it("refuses a request's own fallbacks and a context-length fallback the same way", async () => {
    const { primary, backup, ai } = await setup({
      budgets: roomy,
      fallbacks: {},
      contextFallbacks: { 'primary:m': 'backup:long' },
    })
    primary.enqueue(outage, { error: { status: 400, code: 'context_length_exceeded' } })
    await expect(ai.chat({ model: 'primary:m', messages, fallbacks: ['backup:unlisted'] })).rejects.toThrow(
      "fallback model 'backup:unlisted' has no price",
    )
    await expect(ai.chat({ model: 'primary:m', messages })).rejects.toThrow(
      "fallback model 'backup:long' has no price",
    )
    expect(backup.calls).toHaveLength(0)
    await ai.close()
  })

  it('refuses to ask an unpriced model again after a content filter, with no cause', async () => {
    const { primary, backup, ai } = await setup({
      budgets: roomy,
      fallbacks: {},
      contentFilterFallbacks: { 'primary:m': 'backup:lenient' },
    })
    primary.enqueue({ text: '', finishReason: 'content-filter' })
    const error = await ai.chat({ model: 'primary:m', messages }).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toContain("fallback model 'backup:lenient' has no price")
    expect(error.cause).toBeUndefined()
    expect(backup.calls).toHaveLength(0)
    await ai.close()
  })

  it("hands it over with unpricedModels: 'allow', under a budget that only watches, or with no budget", async () => {
    const cases: CreateAIOptions[] = [
      { budgets: roomy, unpricedModels: 'allow' },
      { budgets: [{ ...roomy[0]!, hard: false }] },
      {},
    ]
    for (const options of cases) {
      const { primary, backup, ai, switched, unpriced } = await setup(options)
      primary.enqueue(outage)
      const result = await ai.chat({ model: 'primary:m', messages })
      expect(result).toMatchObject({ text: 'from backup', provider: 'backup', model: 'unlisted' })
      expect(result.cost).toMatchObject({ nanoUsd: 0, source: 'unpriced' })
      expect(backup.calls).toHaveLength(1)
      await ai.flush()
      expect(switched.map((e) => e.to)).toEqual(['backup:unlisted'])
      expect(unpriced.map((e) => `${e.provider}:${e.model}`)).toEqual(['backup:unlisted'])
      await ai.close()
    }
  })

  it('still hands a call over to a priced fallback', async () => {
    const { primary, ai } = await setup({
      budgets: roomy,
      prices: [...prices, { provider: 'backup', model: 'unlisted', price: { input: 1, output: 1 } }],
    })
    primary.enqueue(outage)
    const result = await ai.chat({ model: 'primary:m', messages })
    expect(result).toMatchObject({ provider: 'backup', cost: { source: 'catalog' } })
    await ai.close()
  })
})
