import { anthropicProtocol, createFakeServer, type FakeServer } from '@aimux/ai-testing'
import Anthropic from '@anthropic-ai/sdk'
import { afterEach, beforeEach, expect, it } from 'vitest'

// The SDK's own stream accumulator checks the event sequence: a stream of the fake server must
// assemble into the message its JSON answer is.
let server: FakeServer
let client: Anthropic
beforeEach(async () => {
  server = await createFakeServer(anthropicProtocol())
  client = new Anthropic({ apiKey: 'sk-ant-wire', baseURL: server.url, maxRetries: 0 })
})
afterEach(() => server.close())

it('streams events that messages.stream() assembles into the same message as the JSON answer', async () => {
  const reply = {
    reasoning: 'Plan it.',
    text: 'Here you go.',
    toolCalls: [{ id: 'toolu_5', name: 'lookup', args: { q: 'tides', days: [1, 2] } }],
    usage: {
      inputTokens: 300,
      cachedInputTokens: 200,
      cacheWriteTokens: 50,
      outputTokens: 40,
      reasoningTokens: 12,
    },
  }
  server.enqueue(reply, reply)
  const params = {
    model: 'claude-sonnet-5',
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: 'Hi' }],
  }
  const whole = await client.messages.create(params)
  const streamed = await client.messages.stream(params).finalMessage()
  expect(streamed.content).toEqual([
    { type: 'thinking', thinking: 'Plan it.', signature: 'fake-signature-2' },
    { type: 'text', text: 'Here you go.', citations: null },
    {
      type: 'tool_use',
      id: 'toolu_5',
      name: 'lookup',
      input: { q: 'tides', days: [1, 2] },
      caller: { type: 'direct' },
    },
  ])
  expect(whole.content.slice(1)).toEqual(streamed.content.slice(1))
  expect(streamed.stop_reason).toBe('tool_use')
  expect(streamed.usage).toMatchObject({
    input_tokens: 50,
    cache_read_input_tokens: 200,
    cache_creation_input_tokens: 50,
    output_tokens: 40,
  })
})
