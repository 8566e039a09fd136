import { describe, expect, it } from 'vitest'
import { xaiUsage } from './xai-response.js'

const counts = (input: number, output: number, reasoning: number, total?: number) => ({
  prompt_tokens: input,
  completion_tokens: output,
  ...(total === undefined ? {} : { total_tokens: total }),
  completion_tokens_details: { reasoning_tokens: reasoning },
})

describe('xaiUsage at the edges', () => {
  it('adds the reasoning to the output when total_tokens is missing', () => {
    expect(xaiUsage(counts(10, 5, 3)).usage).toMatchObject({
      inputTokens: 10,
      outputTokens: 8,
      reasoningTokens: 3,
      totalTokens: 18,
    })
  })

  it('adds it when total_tokens counts it exactly once beside the output, not when one token short', () => {
    expect(xaiUsage(counts(10, 5, 3, 18)).usage).toMatchObject({ outputTokens: 8, totalTokens: 18 })
    expect(xaiUsage(counts(10, 5, 3, 17)).usage).toMatchObject({ outputTokens: 5, totalTokens: 15 })
  })

  it('leaves a reply without reasoning as Chat Completions counts it', () => {
    expect(xaiUsage(counts(10, 5, 0, 15))).toEqual({
      usage: {
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 5,
        reasoningTokens: 0,
        totalTokens: 15,
      },
    })
    expect(xaiUsage(counts(10, 5, 0)).usage).toMatchObject({ outputTokens: 5, totalTokens: 15 })
  })
})
