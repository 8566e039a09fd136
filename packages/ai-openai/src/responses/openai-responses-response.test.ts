import { ProviderError } from '@aimux/ai-core'
import type { Response, ResponseReasoningItem } from 'openai/resources/responses/responses'
import { describe, expect, it } from 'vitest'
import {
  failedResponse,
  reasoningPart,
  responsesFinishReason,
  responsesResult,
  responsesUsage,
  unreadableResponse,
} from './openai-responses-response.js'

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

  it('reads a usage without its details objects as no cached and no reasoning tokens', () => {
    expect(responsesUsage({ input_tokens: 10, output_tokens: 4, total_tokens: 14 } as never)).toEqual({
      inputTokens: 10,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 4,
      reasoningTokens: 0,
      totalTokens: 14,
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

describe('unreadableResponse', () => {
  it('names what keeps a response from being read: an empty body, not an object, no output list', () => {
    expect(unreadableResponse(undefined)).toBe('an empty body')
    expect(unreadableResponse('')).toBe('an empty body')
    expect(unreadableResponse(null)).toBe('not a JSON object')
    expect(unreadableResponse('<html>Bad gateway</html>')).toBe('not a JSON object')
    expect(unreadableResponse({})).toBe('no output')
    expect(unreadableResponse({ output: 'none' })).toBe('no output')
    expect(unreadableResponse({ output: [] })).toBeUndefined()
  })
})

describe('failedResponse', () => {
  const failed = (error: Response['error']) => ({ status: 'failed', error }) as Response

  it('is retryable only when the server says it erred, and masks the given secrets', () => {
    const crashed = failedResponse(
      failed({ code: 'server_error', message: 'The model crashed for key proxy-key-0123456789abcdef' }),
      'openai',
      'gpt-5.4',
      ['proxy-key-0123456789abcdef'],
    )
    expect(ProviderError.is(crashed)).toBe(true)
    expect(crashed).toMatchObject({ provider: 'openai', model: 'gpt-5.4', retryable: true })
    expect(crashed.message).toMatch(/^openai: The model crashed for key /)
    expect(crashed.message).not.toContain('proxy-key-0123456789abcdef')
    const refused = failedResponse(
      failed({ code: 'invalid_prompt', message: 'Invalid prompt' }),
      'openai',
      'gpt-5.4',
    )
    expect(refused).toMatchObject({ message: 'openai: Invalid prompt', retryable: false })
  })

  it('says the response failed when the API gives no error', () => {
    const error = failedResponse(failed(null), 'openai', 'gpt-5.4')
    expect(error).toMatchObject({ message: 'openai: the response failed', retryable: false })
  })
})

describe('reasoningPart', () => {
  const item = (summaries: string[], encrypted?: string): ResponseReasoningItem => ({
    id: 'rs_1',
    type: 'reasoning',
    summary: summaries.map((text) => ({ type: 'summary_text', text })),
    ...(encrypted ? { encrypted_content: encrypted } : {}),
  })

  it('joins the summaries with a blank line', () => {
    expect(reasoningPart(item(['First.', 'Second.']))).toEqual({
      type: 'reasoning',
      text: 'First.\n\nSecond.',
    })
  })

  it('keeps the encrypted content, even without a summary, and is nothing for an item with neither', () => {
    expect(reasoningPart(item([], 'gAAAAB-sealed'))).toEqual({
      type: 'reasoning',
      text: '',
      providerMetadata: { openai: { itemId: 'rs_1', encryptedContent: 'gAAAAB-sealed' } },
    })
    const plain = reasoningPart(item(['Only text.']))
    expect(plain).toEqual({ type: 'reasoning', text: 'Only text.' })
    expect(plain && Object.hasOwn(plain, 'providerMetadata')).toBe(false)
    expect(reasoningPart(item([]))).toBeUndefined()
  })
})

describe('responsesResult', () => {
  it('reads a refusal as the text of the reply and ends it as content-filter', () => {
    const response = {
      status: 'completed',
      incomplete_details: null,
      model: 'gpt-5.4',
      output: [
        {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'refusal', refusal: 'I can’t help with that.' }],
        },
      ],
      usage: null,
    } as unknown as Response
    const result = responsesResult(response)
    expect(result.content).toEqual([{ type: 'text', text: 'I can’t help with that.' }])
    expect(result.finishReason).toBe('content-filter')
  })
})
