import { describe, expect, it } from 'vitest'
import { chatFinishReason, chatUsage, reasoningOf, wireUsage } from './openai-chat-response.js'

describe('chatUsage', () => {
  it('keeps cached and cache-written tokens inside prompt_tokens, reasoning inside completion_tokens', () => {
    expect(
      chatUsage({
        prompt_tokens: 100,
        completion_tokens: 30,
        total_tokens: 130,
        prompt_tokens_details: { cached_tokens: 40, cache_write_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 12 },
      }),
    ).toEqual({
      inputTokens: 100,
      cachedInputTokens: 40,
      cacheWriteTokens: 10,
      outputTokens: 30,
      reasoningTokens: 12,
      totalTokens: 130,
    })
  })

  it('reads missing or null details, and a missing usage, as 0', () => {
    const zero = {
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
    }
    expect(chatUsage(undefined)).toEqual(zero)
    expect(chatUsage(null)).toEqual(zero)
    expect(chatUsage({ prompt_tokens_details: null, completion_tokens_details: null })).toEqual(zero)
    expect(chatUsage(wireUsage(null))).toEqual(zero)
    expect(wireUsage({ prompt_tokens: 3 })).toEqual({ prompt_tokens: 3 })
  })
})

describe('chatFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['error', 'error'],
    ['eos', 'other'],
    [null, 'other'],
    [undefined, 'other'],
  ] as const)('reads %s as %s', (reason, expected) => {
    expect(chatFinishReason(reason)).toBe(expected)
  })
})

describe('reasoningOf', () => {
  it('reads reasoning_content first, then reasoning, else nothing', () => {
    expect(reasoningOf({ reasoning_content: 'a', reasoning: 'b' })).toBe('a')
    expect(reasoningOf({ reasoning: 'b' })).toBe('b')
    expect(reasoningOf({ reasoning_content: 5, reasoning: 'b' })).toBe('b')
    expect(reasoningOf({ reasoning: { text: 'b' } })).toBe('')
    expect(reasoningOf(undefined)).toBe('')
  })
})
