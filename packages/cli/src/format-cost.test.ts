import type { Cost, Usage } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { formatCost, formatTokens } from './format-cost.js'

const usage = (fields: Partial<Usage>): Usage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
  ...fields,
})

describe('formatting for people', () => {
  it('says what kind of cost it is', () => {
    const cost = (fields: Partial<Cost>): Cost => ({
      nanoUsd: 1_234_500,
      usd: 0.0012345,
      source: 'catalog',
      ...fields,
    })
    expect(formatCost(cost({}))).toBe('$0.0012345')
    expect(formatCost(cost({ source: 'unknown', estimated: true }))).toBe('~$0.0012345 (estimated)')
    expect(formatCost(cost({ source: 'unpriced', nanoUsd: 0, usd: 0 }))).toBe('$0.00 (no price known)')
  })

  it('groups thousands and names cached and reasoning tokens', () => {
    expect(formatTokens(usage({ inputTokens: 12_030, outputTokens: 3 }))).toBe('12,030 in, 3 out tokens')
    expect(
      formatTokens(
        usage({ inputTokens: 2_000, cachedInputTokens: 1_500, outputTokens: 900, reasoningTokens: 600 }),
      ),
    ).toBe('2,000 in (1,500 cached), 900 out (600 reasoning) tokens')
  })
})
