import { describe, expect, it } from 'vitest'
import {
  anthropicFinishReason,
  anthropicUsage,
  mergeUsageReports,
  unreadableMessage,
} from './anthropic-response.js'

describe('anthropicUsage', () => {
  it('keeps the 1-hour cache writes of cache_creation as a part of the writes', () => {
    const usage = anthropicUsage({
      input_tokens: 5,
      cache_creation_input_tokens: 30,
      cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 },
      output_tokens: 1,
    })
    expect(usage).toMatchObject({ inputTokens: 35, cacheWriteTokens: 30, cacheWrite1hTokens: 20 })
    expect(anthropicUsage({ cache_creation_input_tokens: 30, cache_creation: null })).not.toHaveProperty(
      'cacheWrite1hTokens',
    )
  })

  it('counts cache reads and writes inside the input, and thinking inside the output', () => {
    expect(
      anthropicUsage({
        input_tokens: 100,
        cache_read_input_tokens: 40,
        cache_creation_input_tokens: 10,
        output_tokens: 30,
        output_tokens_details: { thinking_tokens: 12 },
      }),
    ).toEqual({
      inputTokens: 150,
      cachedInputTokens: 40,
      cacheWriteTokens: 10,
      outputTokens: 30,
      reasoningTokens: 12,
      totalTokens: 180,
    })
  })

  it('reads a missing or null count as 0', () => {
    const zero = {
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
    }
    expect(anthropicUsage(undefined)).toEqual(zero)
    expect(
      anthropicUsage({
        input_tokens: null,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: null,
        output_tokens: null,
        output_tokens_details: null,
      }),
    ).toEqual(zero)
    expect(anthropicUsage({ cache_read_input_tokens: 5 })).toMatchObject({
      inputTokens: 5,
      cachedInputTokens: 5,
    })
    expect(anthropicUsage({ cache_creation_input_tokens: 7 })).toMatchObject({
      inputTokens: 7,
      cacheWriteTokens: 7,
    })
  })
})

describe('mergeUsageReports', () => {
  it("lays every field message_delta states over message_start's, and keeps the rest", () => {
    expect(
      mergeUsageReports(
        { input_tokens: 100, cache_read_input_tokens: 40, output_tokens: 1 },
        { output_tokens: 30, cache_read_input_tokens: null, input_tokens: undefined },
      ),
    ).toEqual({ input_tokens: 100, cache_read_input_tokens: 40, output_tokens: 30 })
    const start = { input_tokens: 1 }
    mergeUsageReports(start, { input_tokens: 2 })
    expect(start).toEqual({ input_tokens: 1 })
  })
})

describe('anthropicFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    [null, 'other'],
    [undefined, 'other'],
  ] as const)('reads %s as %s', (reason, expected) => {
    expect(anthropicFinishReason(reason)).toBe(expected)
  })
})

describe('unreadableMessage', () => {
  it.each([
    [undefined, 'an empty body'],
    ['', 'an empty body'],
    ['<html>Bad gateway</html>', 'not a JSON object'],
    [null, 'not a JSON object'],
    [42, 'not a JSON object'],
    [{ type: 'message' }, 'no content'],
    [{ content: 'text' }, 'no content'],
  ] as const)('names %j as %s', (message, problem) => {
    expect(unreadableMessage(message)).toBe(problem)
  })

  it('reads a message with a content list', () => {
    expect(unreadableMessage({ content: [] })).toBeUndefined()
  })
})
