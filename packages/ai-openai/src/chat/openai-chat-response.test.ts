import type { ChatCompletion } from 'openai/resources/chat/completions'
import { describe, expect, it } from 'vitest'
import {
  type ChatUsageWire,
  chatFinishReason,
  chatResult,
  chatUsage,
  type ReadUsage,
  reasoningOf,
  unreadableCompletion,
  wireUsage,
} from './openai-chat-response.js'

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

describe('unreadableCompletion', () => {
  it('names what keeps a reply from being read: an empty body, not an object, no choices, no message', () => {
    expect(unreadableCompletion(undefined)).toBe('an empty body')
    expect(unreadableCompletion('')).toBe('an empty body')
    expect(unreadableCompletion(null)).toBe('not a JSON object')
    expect(unreadableCompletion('<html>Bad gateway</html>')).toBe('not a JSON object')
    expect(unreadableCompletion({})).toBe('no choices')
    expect(unreadableCompletion({ choices: [] })).toBe('no choices')
    expect(unreadableCompletion({ choices: [null] })).toBe('a choice without a message')
    expect(unreadableCompletion({ choices: [{ index: 0 }] })).toBe('a choice without a message')
    expect(unreadableCompletion({ choices: [{ message: null }] })).toBe('a choice without a message')
    expect(unreadableCompletion({ choices: [{ message: 'Hi' }] })).toBe('a choice without a message')
    expect(unreadableCompletion({ choices: [{ message: { content: 'Hi' } }] })).toBeUndefined()
  })
})

describe('chatResult', () => {
  const completion = (message: object, usage?: object): ChatCompletion =>
    ({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-5.4-mini',
      choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'tool_calls' }],
      ...(usage ? { usage } : {}),
    }) as ChatCompletion
  const counted = (usage: ChatUsageWire) => ({ usage: chatUsage(usage) })

  it('gives a tool call without an id one made of its index', () => {
    const call = (id: string, name: string) => ({
      id,
      type: 'function',
      function: { name, arguments: '{"city":"Oslo"}' },
    })
    const result = chatResult(
      completion({ content: null, tool_calls: [call('call_w', 'get_weather'), call('', 'get_time')] }),
      counted,
    )
    expect(result.content).toEqual([
      { type: 'tool-call', id: 'call_w', name: 'get_weather', args: { city: 'Oslo' } },
      { type: 'tool-call', id: 'call_1', name: 'get_time', args: { city: 'Oslo' } },
    ])
    expect(result.finishReason).toBe('tool-calls')
  })

  it('carries the cost the usage reader reports, and no cost field when it reports none', () => {
    const withCost = (usage: ChatUsageWire): ReadUsage => ({ usage: chatUsage(usage), costNanoUsd: 1_250 })
    const costed = chatResult(
      completion({ content: 'Hi' }, { prompt_tokens: 3, completion_tokens: 1 }),
      withCost,
    )
    expect(costed.costNanoUsd).toBe(1_250)
    expect(costed.usage).toMatchObject({ inputTokens: 3, outputTokens: 1, totalTokens: 4 })
    const free = chatResult(completion({ content: 'Hi' }), counted)
    expect(Object.hasOwn(free, 'costNanoUsd')).toBe(false)
    expect(free.usage.totalTokens).toBe(0)
  })
})
