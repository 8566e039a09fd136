import { describe, expect, it } from 'vitest'
import { responsesFinishReason, responsesUsage } from './openai-responses-response.js'

describe('responsesUsage', () => {
  it('keeps cached and cache-written tokens inside the input, reasoning inside the output', () => {
    expect(
      responsesUsage({
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 40, cache_write_tokens: 10 } as never,
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 12 },
        total_tokens: 130,
      }),
    ).toEqual({
      inputTokens: 100,
      cachedInputTokens: 40,
      cacheWriteTokens: 10,
      outputTokens: 30,
      reasoningTokens: 12,
      totalTokens: 130,
    })
    expect(responsesUsage(null)).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
    })
  })
})

describe('responsesFinishReason', () => {
  const none = { toolCalls: false, refused: false }
  const incomplete = (reason?: 'max_output_tokens' | 'content_filter') =>
    ({ status: 'incomplete', incomplete_details: reason ? { reason } : null }) as const

  it('reads an incomplete response by its reason', () => {
    expect(responsesFinishReason(incomplete('max_output_tokens'), none)).toBe('length')
    expect(responsesFinishReason(incomplete('content_filter'), none)).toBe('content-filter')
    expect(responsesFinishReason(incomplete(), { toolCalls: true, refused: true })).toBe('other')
  })

  it('reads a completed one as a refusal, tool calls or a stop, in that order', () => {
    const completed = { status: 'completed', incomplete_details: null } as const
    expect(responsesFinishReason(completed, none)).toBe('stop')
    expect(responsesFinishReason(completed, { toolCalls: true, refused: false })).toBe('tool-calls')
    expect(responsesFinishReason(completed, { toolCalls: true, refused: true })).toBe('content-filter')
  })

  it('reads any other status as other', () => {
    for (const status of ['failed', 'cancelled', 'in_progress', 'queued'] as const) {
      expect(
        responsesFinishReason({ status, incomplete_details: null }, { toolCalls: true, refused: true }),
      ).toBe('other')
    }
  })
})
