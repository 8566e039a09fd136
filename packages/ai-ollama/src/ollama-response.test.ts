import { describe, expect, it } from 'vitest'
import { ollamaFinishReason, ollamaUsage, unreadableChat } from './ollama-response.js'

describe('ollamaUsage', () => {
  it('reads prompt_eval_count as the input and eval_count as the output, a missing count as 0', () => {
    expect(ollamaUsage({ prompt_eval_count: 12, eval_count: 5 })).toEqual({
      inputTokens: 12,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
      totalTokens: 17,
    })
    expect(ollamaUsage({} as Parameters<typeof ollamaUsage>[0])).toMatchObject({
      inputTokens: 0,
      totalTokens: 0,
    })
  })
})

describe('ollamaFinishReason', () => {
  it.each([
    ['stop', false, 'stop'],
    ['stop', true, 'tool-calls'],
    ['length', false, 'length'],
    ['length', true, 'length'],
    ['load', false, 'other'],
    [undefined, false, 'other'],
    [undefined, true, 'tool-calls'],
  ] as const)('reads %s (tool calls: %s) as %s', (reason, tools, expected) => {
    expect(ollamaFinishReason(reason, tools)).toBe(expected)
  })
})

describe('unreadableChat', () => {
  it.each([
    [undefined, 'not a JSON object'],
    [null, 'not a JSON object'],
    ['<html>Bad gateway</html>', 'not a JSON object'],
    [42, 'not a JSON object'],
    [{}, 'no message'],
    [{ message: null }, 'no message'],
    [{ message: 'hi' }, 'no message'],
  ] as const)('names %j as %s', (response, problem) => {
    expect(unreadableChat(response)).toBe(problem)
  })

  it('reads an answer with a message object', () => {
    expect(unreadableChat({ message: { role: 'assistant', content: '' } })).toBeUndefined()
  })
})
