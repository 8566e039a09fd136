import { describe, expect, it } from 'vitest'
import { geminiFinishReason, geminiUsage } from './gemini-response.js'

describe('geminiUsage', () => {
  it('counts thoughts inside the output and as reasoning, cached content inside the input', () => {
    expect(
      geminiUsage({
        promptTokenCount: 100,
        cachedContentTokenCount: 60,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 15,
      }),
    ).toEqual({
      inputTokens: 100,
      cachedInputTokens: 60,
      cacheWriteTokens: 0,
      outputTokens: 35,
      reasoningTokens: 15,
      totalTokens: 135,
    })
  })

  it('reads a missing count as 0', () => {
    expect(geminiUsage(undefined)).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
    })
    expect(geminiUsage({ thoughtsTokenCount: 4 })).toMatchObject({ outputTokens: 4, reasoningTokens: 4 })
    expect(geminiUsage({ candidatesTokenCount: 4 })).toMatchObject({ outputTokens: 4, reasoningTokens: 0 })
  })
})

describe('geminiFinishReason', () => {
  it.each([
    ['STOP', false, false, 'stop'],
    ['STOP', true, false, 'tool-calls'],
    ['MAX_TOKENS', false, false, 'length'],
    ['MAX_TOKENS', true, false, 'length'],
    ['CONTINUATION', false, false, 'length'],
    ['SAFETY', false, false, 'content-filter'],
    ['RECITATION', false, false, 'content-filter'],
    ['BLOCKLIST', false, false, 'content-filter'],
    ['PROHIBITED_CONTENT', false, false, 'content-filter'],
    ['SPII', false, false, 'content-filter'],
    ['IMAGE_SAFETY', false, false, 'content-filter'],
    ['IMAGE_PROHIBITED_CONTENT', false, false, 'content-filter'],
    ['IMAGE_RECITATION', true, false, 'content-filter'],
    ['STOP', false, true, 'content-filter'],
    [undefined, false, true, 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', false, false, 'error'],
    ['UNEXPECTED_TOOL_CALL', true, false, 'error'],
    ['TOO_MANY_TOOL_CALLS', false, false, 'error'],
    ['MALFORMED_RESPONSE', false, false, 'error'],
    ['LANGUAGE', false, false, 'other'],
    ['FINISH_REASON_UNSPECIFIED', false, false, 'other'],
    [undefined, false, false, 'other'],
    [undefined, true, false, 'tool-calls'],
  ] as const)('reads %s (tool calls: %s, prompt blocked: %s) as %s', (reason, tools, blocked, expected) => {
    expect(geminiFinishReason(reason, tools, blocked)).toBe(expected)
  })
})
