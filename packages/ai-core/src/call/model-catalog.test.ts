import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { createAI } from '../instance/create-ai.js'
import { defineProvider } from '../spec/provider.js'

describe('ai.models', () => {
  it('syncs every provider: models, capabilities, context windows and published prices', async () => {
    const mock = mockProvider({
      models: [
        {
          id: 'small',
          contextWindow: 128_000,
          capabilities: { tools: true },
          price: { input: 0.1, output: 0.4 },
        },
        { id: 'large', contextWindow: 1_000_000 },
      ],
    })
    const broken = defineProvider({
      id: 'broken',
      generate: async () => {
        throw new Error('unused')
      },
      listModels: async () => {
        throw new Error('network down')
      },
    })
    const ai = await createAI({
      plugins: [mock, { name: 'broken', setup: (h) => h.registerProvider(broken) }],
    })
    const synced: unknown[] = []
    ai.on('models:synced', (e) => void synced.push(e))
    const before = Date.now()
    const result = await ai.models.sync()
    const after = Date.now()
    expect(result.models.map((m) => m.id).sort()).toEqual(['large', 'small'])
    expect(result.failed.map((f) => [f.provider, f.error.message])).toEqual([['broken', 'network down']])
    expect(await ai.models.get('mock:small')).toMatchObject({
      provider: 'mock',
      id: 'small',
      contextWindow: 128_000,
      capabilities: { tools: true },
    })
    const listed = await ai.models.list({ provider: 'mock' })
    expect(listed.length).toBe(2)
    // Each model says when it was synced: one time for the whole sync.
    const syncedAt = listed[0]?.syncedAt
    expect(syncedAt).toBeInstanceOf(Date)
    expect(syncedAt!.getTime()).toBeGreaterThanOrEqual(before)
    expect(syncedAt!.getTime()).toBeLessThanOrEqual(after)
    expect(listed[1]?.syncedAt).toEqual(syncedAt)
    expect(ai.models.price('mock:small')).toEqual({ input: 0.1, output: 0.4 })
    await ai.flush()
    expect(synced).toEqual([
      { models: 2, providers: ['mock'], failed: [expect.objectContaining({ provider: 'broken' })] },
    ])
    // Calls are costed with the synced price.
    mock.enqueue({ text: 'ok', usage: { inputTokens: 1_000, outputTokens: 1_000 } })
    const res = await ai.chat({ model: 'mock:small', messages: [{ role: 'user', content: 'hi' }] })
    expect(res.cost.nanoUsd).toBe(100_000 + 400_000)
    await ai.close()
  })

  it("keeps a user's own prices over synced ones, and stores a price change with its date", async () => {
    const mock = mockProvider({ models: [{ id: 'm', price: { input: 1, output: 1 } }] })
    const ai = await createAI({
      plugins: [mock],
      prices: [{ provider: 'mock', model: 'm', price: { input: 9, output: 9 } }],
    })
    await ai.models.sync()
    expect(ai.models.price('mock:m')?.input).toBe(9)
    const stored = await ai.store.catalog.listPrices({ provider: 'mock' })
    expect(stored).toHaveLength(1)
    // A second sync with the same prices adds nothing.
    await ai.models.sync()
    expect(await ai.store.catalog.listPrices({ provider: 'mock' })).toHaveLength(1)
    await ai.close()
  })

  it('lists the aliases and the groups with their models, for a user to discover', async () => {
    const ai = await createAI({
      plugins: [mockProvider(), mockProvider({ id: 'other' })],
      aliases: { fast: 'mock:small', best: '@main' },
      groups: {
        main: { strategy: 'weighted', models: [{ model: 'other:large', weight: 3 }, 'mock:small'] },
        cheap: { models: ['mock:small'] },
      },
    })
    const routes = ai.models.routes()
    expect(routes).toEqual({
      aliases: { fast: 'mock:small', best: '@main' },
      groups: { main: ['other:large', 'mock:small'], cheap: ['mock:small'] },
    })
    // A copy: changing it changes nothing in the instance.
    routes.aliases.fast = 'mock:other'
    expect(ai.models.routes().aliases.fast).toBe('mock:small')
    expect(await createAI().then((bare) => bare.models.routes())).toEqual({ aliases: {}, groups: {} })
    await ai.close()
  })
})
