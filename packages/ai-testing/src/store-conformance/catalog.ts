import { randomUUID } from 'node:crypto'
import type { Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { model, price } from './fixtures.js'

/** The model catalog and prices with effective dates. */
export function catalogSuite(currentStore: () => Store): void {
  describe('catalog', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    it('upserts models by provider and id and lists them sorted', async () => {
      const provider = `p-${randomUUID()}`
      await store.catalog.upsertModels([model(provider, 'm-b'), model(provider, 'm-a', { name: 'A' })])
      await store.catalog.upsertModels([
        model(provider, 'm-a', { name: 'A2', contextWindow: 128_000, capabilities: { tools: true } }),
      ])
      expect(await store.catalog.listModels({ provider })).toEqual([
        model(provider, 'm-a', { name: 'A2', contextWindow: 128_000, capabilities: { tools: true } }),
        model(provider, 'm-b'),
      ])
      expect(await store.catalog.getModel(provider, 'm-b')).toEqual(model(provider, 'm-b'))
      expect(await store.catalog.getModel(provider, 'm-c')).toBeUndefined()
      expect(await store.catalog.getModel(`${provider}-other`, 'm-b')).toBeUndefined()
    })

    it('sorts models by provider, then id', async () => {
      const prefix = `p-${randomUUID()}`
      await store.catalog.upsertModels([
        model(`${prefix}b`, 'x'),
        model(`${prefix}a`, 'y'),
        model(`${prefix}a`, 'x'),
      ])
      const listed = (await store.catalog.listModels()).filter((m) => m.provider.startsWith(prefix))
      expect(listed.map((m) => [m.provider, m.id])).toEqual([
        [`${prefix}a`, 'x'],
        [`${prefix}a`, 'y'],
        [`${prefix}b`, 'x'],
      ])
    })

    it('shares no object with its caller', async () => {
      const provider = `p-${randomUUID()}`
      const input = model(provider, 'm', { capabilities: { tools: true } })
      await store.catalog.upsertModels([input])
      input.capabilities.tools = false
      const read = await store.catalog.getModel(provider, 'm')
      read!.capabilities.vision = true
      const entry = price(provider, 'm', '2026-01-01T00:00:00.000Z', 1)
      await store.catalog.upsertPrices([entry])
      entry.price.input = 7
      const [listed] = await store.catalog.listPrices({ provider })
      listed!.price.output = 0

      expect(await store.catalog.listModels({ provider })).toEqual([
        model(provider, 'm', { capabilities: { tools: true } }),
      ])
      expect(await store.catalog.listPrices({ provider })).toEqual([
        price(provider, 'm', '2026-01-01T00:00:00.000Z', 1),
      ])
    })

    it('keeps a model with its price and every optional field', async () => {
      const provider = `p-${randomUUID()}`
      const full = model(provider, 'full', {
        name: 'Full',
        contextWindow: 200_000,
        maxOutputTokens: 8_192,
        capabilities: { streaming: true, tools: true, vision: false, json: true, reasoning: true },
        price: { input: 3, output: 15, cachedInput: 0.3, tiers: [{ aboveInputTokens: 200_000, input: 6 }] },
        deprecated: true,
        syncedAt: new Date('2026-11-30T12:34:56.789Z'),
      })
      await store.catalog.upsertModels([full])
      expect(await store.catalog.getModel(provider, 'full')).toEqual(full)
      expect((await store.catalog.listModels({ provider }))[0]?.syncedAt).toEqual(full.syncedAt)
    })

    it('resolves the price in force at a time', async () => {
      const provider = `p-${randomUUID()}`
      const january = price(provider, 'm', '2026-01-01T00:00:00.000Z', 1)
      const june = price(provider, 'm', '2026-06-01T00:00:00.000Z', 2)
      await store.catalog.upsertPrices([
        june,
        january,
        price(provider, 'other', '2025-01-01T00:00:00.000Z', 9),
      ])

      const at = async (iso: string) =>
        (await store.catalog.getPrice(provider, 'm', new Date(iso)))?.price.input
      expect(await at('2025-12-31T23:59:59.999Z')).toBeUndefined()
      expect(await at('2026-01-01T00:00:00.000Z')).toBe(1)
      expect(await at('2026-03-15T00:00:00.000Z')).toBe(1)
      expect(await at('2026-05-31T23:59:59.999Z')).toBe(1)
      expect(await at('2026-06-01T00:00:00.000Z')).toBe(2)
      expect(await at('2030-01-01T00:00:00.000Z')).toBe(2)
      expect(await store.catalog.getPrice(provider, 'm', new Date('2026-07-01T00:00:00.000Z'))).toEqual(june)
      expect(
        await store.catalog.getPrice(provider, 'missing', new Date('2030-01-01T00:00:00.000Z')),
      ).toBeUndefined()
    })

    it('replaces a price by provider, model and effectiveFrom and lists prices sorted', async () => {
      const provider = `p-${randomUUID()}`
      await store.catalog.upsertPrices([
        price(provider, 'm-b', '2026-01-01T00:00:00.000Z', 5),
        price(provider, 'm-a', '2026-06-01T00:00:00.000Z', 2),
        price(provider, 'm-a', '2026-01-01T00:00:00.000Z', 1),
      ])
      await store.catalog.upsertPrices([price(provider, 'm-a', '2026-06-01T00:00:00.000Z', 3)])

      expect(await store.catalog.listPrices({ provider })).toEqual([
        price(provider, 'm-a', '2026-01-01T00:00:00.000Z', 1),
        price(provider, 'm-a', '2026-06-01T00:00:00.000Z', 3),
        price(provider, 'm-b', '2026-01-01T00:00:00.000Z', 5),
      ])
      expect(await store.catalog.listPrices({ provider, model: 'm-b' })).toEqual([
        price(provider, 'm-b', '2026-01-01T00:00:00.000Z', 5),
      ])
      expect(await store.catalog.listPrices({ provider: `${provider}-none` })).toEqual([])
    })
  })
}
