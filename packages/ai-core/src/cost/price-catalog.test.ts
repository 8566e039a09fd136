import { describe, expect, it } from 'vitest'
import { createPriceCatalog } from './price-catalog.js'

const mini = { input: 0.15, output: 0.6 }

describe('price catalog: models without a price of their own', () => {
  it('prices a dated snapshot or an alias as its base model', () => {
    const prices = createPriceCatalog()
    prices.add([{ provider: 'openai', model: 'gpt-4o-mini', price: mini }], 'builtin')
    prices.add(
      [{ provider: 'anthropic', model: 'claude-3-5-haiku', price: { input: 0.8, output: 4 } }],
      'builtin',
    )
    expect(prices.resolve('openai', 'gpt-4o-mini-2024-07-18')).toEqual(mini)
    expect(prices.resolve('anthropic', 'claude-3-5-haiku-20241022')).toEqual({ input: 0.8, output: 4 })
    expect(prices.resolve('anthropic', 'claude-3-5-haiku-latest')).toEqual({ input: 0.8, output: 4 })
    expect(prices.resolve('openai', 'gpt-4o-mini-tts')).toBeUndefined()
  })

  it("lets a snapshot's own price win, and uses synced prices for the base too", () => {
    const prices = createPriceCatalog()
    prices.add([{ provider: 'openai', model: 'gpt-4o', price: { input: 2.5, output: 10 } }], 'builtin')
    prices.add(
      [{ provider: 'openai', model: 'gpt-4o-2024-05-13', price: { input: 5, output: 15 } }],
      'builtin',
    )
    prices.add(
      [{ provider: 'gemini', model: 'gemini-2.0-flash', price: { input: 0.1, output: 0.4 } }],
      'synced',
    )
    expect(prices.resolve('openai', 'gpt-4o-2024-05-13')).toEqual({ input: 5, output: 15 })
    expect(prices.resolve('openai', 'gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 })
    expect(prices.resolve('gemini', 'gemini-2.0-flash-001')).toEqual({ input: 0.1, output: 0.4 })
  })

  it("falls back to the provider's entry for every model ('*'), after a model's own price", () => {
    const prices = createPriceCatalog()
    prices.add(
      [
        { provider: 'ollama', model: '*', price: { input: 0, output: 0 } },
        { provider: 'ollama', model: 'qwen3:8b', price: { input: 0.2, output: 0.8 } },
      ],
      'builtin',
    )
    expect(prices.resolve('ollama', 'llama3.2:latest')).toEqual({ input: 0, output: 0 })
    expect(prices.resolve('ollama', 'qwen3:8b')).toEqual({ input: 0.2, output: 0.8 })
    expect(prices.resolve('openai', 'llama3.2:latest')).toBeUndefined()
  })
})
