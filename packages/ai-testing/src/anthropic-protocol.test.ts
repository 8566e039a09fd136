import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { anthropicProtocol } from './anthropic-protocol.js'
import { createFakeServer, type FakeServer } from './fake-server.js'

// The adapter in @aimux/ai-anthropic reads this protocol with the real @anthropic-ai/sdk; these
// tests pin the bytes on the wire.
let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(anthropicProtocol())
})
afterEach(() => server.close())

const post = (body: unknown) =>
  fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('anthropicProtocol', () => {
  it('answers a message with thinking, text, tool use and usage that leaves cache tokens out of input_tokens', async () => {
    server.enqueue({
      reasoning: 'Think.',
      text: 'Hi.',
      toolCalls: [{ id: 'toolu_1', name: 'lookup', args: { q: 'x' } }],
      usage: {
        inputTokens: 100,
        cachedInputTokens: 60,
        cacheWriteTokens: 30,
        outputTokens: 20,
        reasoningTokens: 5,
      },
    })
    const res = await post({ model: 'claude-sonnet-5', max_tokens: 100, messages: [] })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: 'msg_fake1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5',
      content: [
        { type: 'thinking', thinking: 'Think.', signature: 'fake-signature-1' },
        { type: 'text', text: 'Hi.', citations: null },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' }, caller: { type: 'direct' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 30,
        cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 0 },
        cache_read_input_tokens: 60,
        output_tokens: 20,
        output_tokens_details: { thinking_tokens: 5 },
        service_tier: 'standard',
      },
    })
  })

  it('streams named events with data padded with spaces, a ping, JSON fragments and the output usage last', async () => {
    server.enqueue({
      chunks: ['Hi'],
      toolCalls: [{ id: 'toolu_1', name: 'f', args: { a: 1 } }],
      usage: { outputTokens: 9 },
    })
    const res = await post({ model: 'claude-sonnet-5', max_tokens: 100, messages: [], stream: true })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const events = (await res.text()).split('\n\n').filter(Boolean)
    expect(events.map((event) => event.split('\n')[0])).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: ping',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ])
    expect(events[2]).toBe('event: ping\ndata: {"type": "ping"}')
    expect(events[3]).toBe(
      'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}',
    )
    const fragments = events
      .slice(6, 10)
      .map((event) => JSON.parse(event.split('data: ')[1] as string).delta.partial_json)
    expect(fragments.join('')).toBe('{"a":1}')
    expect(fragments[0]).toBe('')
    expect(JSON.parse(events[11]?.split('data: ')[1] as string)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null, stop_details: null, container: null },
      usage: { output_tokens: 9, output_tokens_details: { thinking_tokens: 0 } },
    })
  })

  it("sends an overloaded error event after the text of a reply whose finish reason is 'error', or a 529", async () => {
    server.enqueue({ chunks: ['Par'], finishReason: 'error' }, { finishReason: 'error' })
    const events = (await (await post({ stream: true })).text()).split('\n\n').filter(Boolean)
    expect(events.at(-1)).toBe(
      'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}',
    )
    const res = await post({})
    expect(res.status).toBe(529)
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_fake_error',
    })
  })

  it('renders errors with their type, the code as details.error_code, and retry-after', async () => {
    server.enqueue({ error: { status: 429, retryAfterMs: 1500, code: 'rate_limit_input_tokens' } })
    const res = await post({})
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('2')
    expect(await res.json()).toEqual({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
        details: { error_code: 'rate_limit_input_tokens' },
      },
      request_id: 'req_fake_error',
    })
  })

  it('lists models', async () => {
    const res = await fetch(`${server.url}/v1/models`)
    expect(await res.json()).toMatchObject({
      data: [
        { type: 'model', id: 'claude-sonnet-5', max_input_tokens: 1_000_000 },
        { type: 'model', id: 'claude-opus-5-5' },
      ],
      has_more: false,
      first_id: 'claude-sonnet-5',
      last_id: 'claude-opus-5-5',
    })
  })
})
