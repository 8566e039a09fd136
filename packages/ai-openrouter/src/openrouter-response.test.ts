import { describe, expect, it } from 'vitest'
import { openrouterUsage } from './openrouter-response.js'

const tokens = { prompt_tokens: 100, completion_tokens: 20 }
const usage = {
  inputTokens: 100,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 20,
  reasoningTokens: 0,
  totalTokens: 120,
}

describe('openrouterUsage', () => {
  it('reads the cost OpenRouter charged, in USD, as exact nano-USD', () => {
    expect(openrouterUsage({ ...tokens, cost: 0.00229625 })).toEqual({ usage, costNanoUsd: 2_296_250 })
  })

  it('keeps a cost of zero: a free call is a reported cost too', () => {
    expect(openrouterUsage({ ...tokens, cost: 0 })).toEqual({ usage, costNanoUsd: 0 })
  })

  it('leaves out a missing, negative, infinite, NaN or non-number cost, for the catalog to price', () => {
    for (const cost of [undefined, -0.001, Number.POSITIVE_INFINITY, Number.NaN, '0.002', null]) {
      const read = openrouterUsage({ ...tokens, cost })
      expect(read).toEqual({ usage })
      expect(read).not.toHaveProperty('costNanoUsd')
    }
  })
})
