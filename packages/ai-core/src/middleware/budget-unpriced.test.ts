import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/errors.js'
import type { AimuxEvents } from '../events/events.js'
import { type CreateAIOptions, createAI } from '../instance/create-ai.js'

const prices = [{ provider: 'openai', model: 'gpt-4o-mini', price: { input: 0.15, output: 0.6 } }]
const tiny = [{ scope: 'global' as const, limitUsd: 0.0000001, period: 'total' as const }]
const ask = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Hi' }] })

async function setup(options: CreateAIOptions = {}) {
  const mock = mockProvider({
    id: 'openai',
    defaultTurn: { text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } },
  })
  const ai = await createAI({ plugins: [mock], prices, retry: false, ...options })
  const unpriced: AimuxEvents['cost:unpriced'][] = []
  ai.on('cost:unpriced', (e) => void unpriced.push(e))
  return { mock, ai, unpriced }
}

describe('budgets and models without a price', () => {
  it('prices a dated snapshot as its base model, so a hard budget refuses it too', async () => {
    const { mock, ai } = await setup({ budgets: tiny })
    for (const model of ['openai:gpt-4o-mini', 'openai:gpt-4o-mini-2024-07-18']) {
      await expect(ai.chat(ask(model))).rejects.toMatchObject({ code: 'budget-exceeded' })
    }
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })

  it('refuses a call to an unpriced model under a hard budget before anything is sent', async () => {
    const { mock, ai, unpriced } = await setup({ budgets: tiny })
    const error = await ai.chat(ask('openai:gpt-unlisted')).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toContain("'openai:gpt-unlisted' has no price")
    expect(error.message).toContain("prices: [{ provider: 'openai', model: 'gpt-unlisted'")
    expect(error.message).toContain("unpricedModels: 'allow'")
    expect(error).toMatchObject({ provider: 'openai', model: 'gpt-unlisted', retryable: false })
    expect(mock.calls).toHaveLength(0)
    await ai.flush()
    expect(unpriced).toEqual([])
    expect(
      await ai.store.spend.getSpend({
        scope: 'global',
        scopeId: 'global',
        period: 'total',
        periodStart: '1970-01-01',
      }),
    ).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    await ai.close()
  })

  it("lets it through with unpricedModels: 'allow', and says so with 'cost:unpriced'", async () => {
    const { mock, ai, unpriced } = await setup({ budgets: tiny, unpricedModels: 'allow' })
    const result = await ai.chat({ ...ask('openai:gpt-unlisted'), scope: { userId: 'u1' } })
    expect(result.cost).toMatchObject({ nanoUsd: 0, source: 'unpriced' })
    expect(mock.calls).toHaveLength(1)
    await ai.flush()
    expect(unpriced).toEqual([
      {
        requestId: result.requestId,
        provider: 'openai',
        model: 'gpt-unlisted',
        scope: { userId: 'u1' },
        step: 1,
        usage: result.usage,
      },
    ])
    await ai.close()
  })

  it("emits 'cost:unpriced' without budgets, and under a budget that only watches", async () => {
    for (const budgets of [[], [{ ...tiny[0]!, hard: false }]]) {
      const { ai, unpriced } = await setup({ budgets })
      await ai.chat(ask('openai:gpt-unlisted'))
      await ai.chat(ask('openai:gpt-4o-mini'))
      await ai.flush()
      expect(unpriced.map((e) => e.model)).toEqual(['gpt-unlisted'])
      await ai.close()
    }
  })

  it("never counts a model priced by its provider's entry for every model as unpriced", async () => {
    const { mock, ai, unpriced } = await setup({
      budgets: [{ scope: 'global', limitUsd: 1, period: 'total' }],
      prices: [{ provider: 'openai', model: '*', price: { input: 0, output: 0 } }],
    })
    expect((await ai.chat(ask('openai:local-model'))).cost).toMatchObject({ nanoUsd: 0, source: 'catalog' })
    expect(mock.calls).toHaveLength(1)
    await ai.flush()
    expect(unpriced).toEqual([])
    await ai.close()
  })
  it('says in full how to price the model, sync prices, or let unpriced calls through', async () => {
    const { ai } = await setup({ budgets: tiny })
    const error = await ai.chat(ask('openai:gpt-unlisted')).catch((e) => e)
    expect(error.message).toBe(
      "The model 'openai:gpt-unlisted' has no price, so a hard budget cannot hold its cost; nothing was sent. " +
        "Price it with createAI({ prices: [{ provider: 'openai', model: 'gpt-unlisted', price: { input, output } }] }) " +
        '(USD per million tokens), run ai.models.sync() if the provider publishes its prices, ' +
        "or set createAI({ unpricedModels: 'allow' }) to let calls to unpriced models through at cost 0.",
    )
    await ai.close()
  })

  it('refuses it when one hard budget applies among budgets that only watch', async () => {
    const { mock, ai } = await setup({
      budgets: [
        { scope: 'global', limitUsd: 100, period: 'total', hard: false },
        { scope: 'user', limitUsd: 100, period: 'total' },
        { scope: 'tenant', limitUsd: 100, period: 'total', hard: false },
      ],
    })
    const call = { ...ask('openai:gpt-unlisted'), scope: { userId: 'u1', tenantId: 't1' } }
    await expect(ai.chat(call)).rejects.toMatchObject({ code: 'config', model: 'gpt-unlisted' })
    expect(mock.calls).toHaveLength(0)
    await ai.close()
  })
})
