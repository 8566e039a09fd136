import { testContext } from '@aimux/ai-testing'
import type { GenerateContentResponse } from '@google/genai'
import { describe, expect, it } from 'vitest'
import {
  geminiFinishReason,
  geminiPart,
  geminiResult,
  geminiUsage,
  unreadableAnswer,
} from './gemini-response.js'

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

describe('geminiPart', () => {
  const id = (wire: string | undefined) => wire ?? 'call_1'

  it('reads a function call without a name as an empty name and without args as no arguments', () => {
    expect(geminiPart({ functionCall: { id: 'fc_1' } }, id)).toEqual({
      type: 'tool-call',
      id: 'fc_1',
      name: '',
      args: {},
    })
  })

  it('keeps a thought with only a signature as reasoning with no text', () => {
    expect(geminiPart({ thought: true, thoughtSignature: 'c2ln' }, id)).toEqual({
      type: 'reasoning',
      text: '',
      providerMetadata: { gemini: { thoughtSignature: 'c2ln' } },
    })
  })

  it('drops a thought with neither text nor signature, and an empty text part', () => {
    expect(geminiPart({ thought: true }, id)).toBeUndefined()
    expect(geminiPart({ thought: true, text: '' }, id)).toBeUndefined()
    expect(geminiPart({ text: '' }, id)).toBeUndefined()
  })
})

describe('unreadableAnswer', () => {
  it.each([
    [undefined, 'not a JSON object'],
    [null, 'not a JSON object'],
    ['<html>Bad gateway</html>', 'not a JSON object'],
    [42, 'not a JSON object'],
    [{}, 'no candidates'],
    [{ candidates: [] }, 'no candidates'],
  ] as const)('names %j as %s', (response, problem) => {
    expect(unreadableAnswer(response)).toBe(problem)
  })

  it('reads an answer with a candidate, or a blocked prompt without one', () => {
    expect(unreadableAnswer({ candidates: [{}] })).toBeUndefined()
    expect(unreadableAnswer({ promptFeedback: { blockReason: 'SAFETY' } })).toBeUndefined()
  })
})

describe('geminiResult', () => {
  it('finishes with tool-calls when a function call follows text in a STOP answer', () => {
    const response = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'Let me look.' }, { functionCall: { name: 'lookup', args: {} } }],
          },
          finishReason: 'STOP',
        },
      ],
    } as GenerateContentResponse
    expect(geminiResult(response, testContext()).finishReason).toBe('tool-calls')
  })
})
