import { describe, expect, it } from 'vitest'
import { createPriceCatalog } from '../cost/price-catalog.js'
import type { ModelInfo } from '../spec/model.js'
import type { CatalogStore } from '../store/catalog-store.js'
import { createRouter, type ModelGroup, modelGroupSchema, type RouteNeeds } from './router.js'

/** A catalog of the given models of provider 'p', and a price for each: input and output per million tokens. */
function routerFor(
  models: Record<string, { price: number; contextWindow?: number; capabilities?: ModelInfo['capabilities'] }>,
  groups: Record<string, ModelGroup> = {},
  random?: () => number,
) {
  const catalog = {
    getModel: async (provider: string, id: string) => {
      const model = models[id]
      if (provider !== 'p' || !model) return undefined
      return { provider, id, contextWindow: model.contextWindow, capabilities: model.capabilities ?? {} }
    },
  } as unknown as CatalogStore
  const prices = createPriceCatalog()
  prices.add(
    Object.entries(models).map(([model, { price }]) => ({
      provider: 'p',
      model,
      price: { input: price, output: price },
    })),
    'user',
  )
  return createRouter({ catalog, prices, groups, random })
}

const plain: RouteNeeds = { tools: false, vision: false, json: false, inputTokens: 100, outputTokens: 100 }
const group = (input: Parameters<typeof modelGroupSchema.parse>[0]) => modelGroupSchema.parse(input)

describe('priority groups', () => {
  it('keep the order listed, even when a later model is cheaper', async () => {
    const router = routerFor({ dear: { price: 10 }, cheap: { price: 1 } })
    const order = await router.order('g', group({ models: ['p:dear', 'p:cheap'] }), plain)
    expect(order).toEqual(['p:dear', 'p:cheap'])
  })
})

describe('weighted groups', () => {
  it('put the picked model first and every other model once after it, in order', async () => {
    const router = routerFor({}, {}, () => 0.5) // of weights 1, 1, 1: the second model
    const order = await router.order(
      'g',
      group({ strategy: 'weighted', models: ['p:a', 'p:b', 'p:c'] }),
      plain,
    )
    expect(order).toEqual(['p:b', 'p:a', 'p:c'])
  })
})

describe('lowest-latency groups', () => {
  const quick = group({ strategy: 'lowest-latency', models: ['p:a', 'p:b', 'p:c'] })

  it('keep a weighted mean: a new observation moves it a fifth of the way', async () => {
    const router = routerFor({}, { quick })
    router.observe('p:a', 100)
    router.observe('p:a', 200) // 100 + 0.2 × (200 − 100) = 120
    router.observe('p:b', 119)
    router.observe('p:c', 121)
    expect(await router.order('quick', quick, plain)).toEqual(['p:b', 'p:a', 'p:c'])
  })

  it('try a model not yet observed before one observed at 0 ms', async () => {
    const router = routerFor({}, { quick })
    router.observe('p:a', 0)
    router.observe('p:c', 5)
    expect(await router.order('quick', quick, plain)).toEqual(['p:b', 'p:a', 'p:c'])
  })
})

describe('lowest-cost groups', () => {
  const models = {
    blind: { price: 1, capabilities: { vision: false, json: false } },
    seeing: { price: 2, capabilities: { vision: true, json: true } },
    unknown: { price: 3 },
  }
  const cheapest = group({ strategy: 'lowest-cost', models: ['p:unknown', 'p:seeing', 'p:blind'] })

  it('skip a model without vision only for a request that needs it', async () => {
    const router = routerFor(models)
    expect(await router.order('g', cheapest, plain)).toEqual(['p:blind', 'p:seeing', 'p:unknown'])
    expect(await router.order('g', cheapest, { ...plain, vision: true })).toEqual(['p:seeing', 'p:unknown'])
  })

  it('skip a model without JSON output for a request that needs it', async () => {
    const router = routerFor(models)
    expect(await router.order('g', cheapest, { ...plain, json: true })).toEqual(['p:seeing', 'p:unknown'])
  })

  it('keep a model whose context window holds the prompt and output exactly', async () => {
    const router = routerFor({
      small: { price: 1, contextWindow: 200 },
      large: { price: 2, contextWindow: 10_000 },
    })
    const both = group({ strategy: 'lowest-cost', models: ['p:large', 'p:small'] })
    expect(await router.order('g', both, plain)).toEqual(['p:small', 'p:large'])
    expect(await router.order('g', both, { ...plain, outputTokens: 101 })).toEqual(['p:large'])
  })

  it('name only what the request needs when no model can serve it', async () => {
    const router = routerFor({ small: { price: 1, contextWindow: 100, capabilities: { tools: false } } })
    const only = group({ strategy: 'lowest-cost', models: ['p:small'] })
    await expect(router.order('g', only, { ...plain, tools: true })).rejects.toThrow(
      "No model of group 'g' can serve this request (it needs tools, 100 tokens of context).",
    )
  })
})
