import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { AimuxEvents } from '../events/events.js'
import { createAI } from '../instance/create-ai.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]

async function setup(groups: NonNullable<Parameters<typeof createAI>[0]>['groups']) {
  const mock = mockProvider({
    defaultTurn: { text: 'ok' },
    models: [
      { id: 'cheap', contextWindow: 8_000, capabilities: { tools: false, json: true } },
      { id: 'mid', contextWindow: 128_000, capabilities: { tools: true, json: true, vision: true } },
      { id: 'dear', contextWindow: 1_000_000, capabilities: { tools: true, json: true, vision: true } },
    ],
  })
  const ai = await createAI({
    plugins: [mock],
    groups,
    retry: false,
    prices: [
      { provider: 'mock', model: 'cheap', price: { input: 0.1, output: 0.1 } },
      { provider: 'mock', model: 'mid', price: { input: 1, output: 1 } },
      { provider: 'mock', model: 'dear', price: { input: 10, output: 10 } },
    ],
  })
  await ai.models.sync()
  const routes: AimuxEvents['route'][] = []
  ai.on('route', (e) => void routes.push(e))
  return { mock, ai, routes }
}

describe('model groups', () => {
  it('priority: the first model, with the others as its fallbacks', async () => {
    const { mock, ai, routes } = await setup({ main: { models: ['mock:mid', 'mock:dear'] } })
    mock.enqueue({ error: { status: 503 } }, { text: 'from dear' })
    const res = await ai.chat({ model: '@main', messages })
    expect([res.model, res.text]).toEqual(['dear', 'from dear'])
    await ai.flush()
    expect(routes[0]).toMatchObject({ group: 'main', strategy: 'priority', order: ['mock:mid', 'mock:dear'] })
    await ai.close()
  })

  it('lowest-cost: the cheapest model that has what the request needs', async () => {
    const { mock, ai } = await setup({
      any: { strategy: 'lowest-cost', models: ['mock:dear', 'mock:mid', 'mock:cheap'] },
    })
    await ai.chat({ model: '@any', messages })
    const tool = { name: 't', parameters: { type: 'object' } }
    await ai.chat({ model: '@any', messages, tools: [tool] }) // cheap has no tools
    const long = [{ role: 'user' as const, content: 'x'.repeat(40_000) }] // ~10k tokens: over cheap's 8k
    await ai.chat({ model: '@any', messages: long })
    expect(mock.calls.map((c) => c.request.model)).toEqual(['cheap', 'mid', 'mid'])
    await ai.close()
  })

  it('lowest-cost: a clear error when no model can serve the request', async () => {
    const { mock, ai } = await setup({ small: { strategy: 'lowest-cost', models: ['mock:cheap'] } })
    const tool = { name: 't', parameters: { type: 'object' } }
    await expect(ai.chat({ model: '@small', messages, tools: [tool] })).rejects.toThrow(
      /No model of group 'small' can serve this request \(it needs tools, \d+ tokens of context\)/,
    )
    mock.enqueue({ text: '{"a":"json is fine"}' })
    const res = await ai.chat({ model: '@small', messages, schema: z.object({ a: z.string() }) })
    expect([res.model, res.object]).toEqual(['cheap', { a: 'json is fine' }])
    await ai.close()
  })

  it('weighted: picks by weight', async () => {
    const { mock, ai } = await setup({
      split: {
        strategy: 'weighted',
        models: [
          { model: 'mock:mid', weight: 3 },
          { model: 'mock:dear', weight: 1 },
        ],
      },
    })
    for (let i = 0; i < 400; i++) await ai.chat({ model: '@split', messages })
    const mid = mock.calls.filter((c) => c.request.model === 'mid').length
    expect(mid).toBeGreaterThan(240) // expected 300 of 400
    expect(mid).toBeLessThan(360)
    await ai.close()
  })

  it('lowest-latency: tries unobserved models, then keeps to the fastest', async () => {
    const { mock, ai } = await setup({
      quick: { strategy: 'lowest-latency', models: ['mock:mid', 'mock:dear'] },
    })
    mock.enqueue({ text: 'slow', delayMs: 60 }, { text: 'fast' }, { text: 'fast' }, { text: 'fast' })
    for (let i = 0; i < 4; i++) await ai.chat({ model: '@quick', messages })
    expect(mock.calls.map((c) => c.request.model)).toEqual(['mid', 'dear', 'dear', 'dear'])
    await ai.close()
  })

  it('names the groups when a request asks for an unknown one', async () => {
    const { ai } = await setup({ main: { models: ['mock:mid'] } })
    await expect(ai.chat({ model: '@nope', messages })).rejects.toThrow(
      "Unknown model group '@nope'. Groups: @main.",
    )
    await ai.close()
  })
})
