import { createAI, createPriceCatalog } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, ollamaProtocol } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ollamaAdapter } from './ollama.js'
import { ollamaPrices } from './ollama-prices.js'

let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(ollamaProtocol())
})
afterEach(() => server.close())

describe('ollama prices', () => {
  it('prices every local model at zero, and a configured one at its price', () => {
    const prices = createPriceCatalog()
    prices.add(ollamaPrices({ 'qwen3:8b': { input: 0.2, output: 0.8 } }), 'builtin')
    expect(prices.resolve('ollama', 'llama3.2:latest')).toEqual({ input: 0, output: 0 })
    expect(prices.resolve('ollama', 'qwen3:8b')).toEqual({ input: 0.2, output: 0.8 })
  })

  it('never counts a local model as unpriced under a hard budget, before any model sync', async () => {
    const ai = await createAI({
      plugins: [
        { name: 'ollama', setup: (host) => host.registerProvider(ollamaAdapter({ host: server.url })) },
      ],
      budgets: [{ scope: 'global', limitUsd: 0.01, period: 'total' }],
    })
    const unpriced: unknown[] = []
    ai.on('cost:unpriced', (e) => void unpriced.push(e))
    server.enqueue({ text: 'Hi.', usage: { inputTokens: 1000, outputTokens: 500 } })
    const result = await ai.chat({
      model: 'ollama:llama3.2:latest',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(result.cost).toMatchObject({ nanoUsd: 0, source: 'catalog' })
    await ai.flush()
    expect(unpriced).toEqual([])
    await ai.close()
  })
})
