import OpenAI from 'openai'
import type { ChatCompletionChunk } from 'openai/resources/chat/completions'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'

let server: FakeServer | undefined
afterEach(() => server?.close())

describe('openaiChatProtocol options', () => {
  it('obfuscation: pads every streamed chunk, as OpenAI does, unless the request turns it off', async () => {
    const turn = { chunks: ['Hel', 'lo'] }
    server = await createFakeServer(openaiChatProtocol({ obfuscation: true }))
    server.enqueue(turn, turn)
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
    const chunks: ChatCompletionChunk[] = []
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    })
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.length).toBeGreaterThan(3)
    expect(
      chunks.every((chunk) => typeof chunk.obfuscation === 'string' && chunk.obfuscation.length >= 2),
    ).toBe(true)
    const off = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_obfuscation: false },
    })
    let unpadded = 0
    for await (const chunk of off) if (chunk.obfuscation === undefined) unpadded += 1
    expect(unpadded).toBe(4)
  })

  it("reasoningTokens 'outside': completion_tokens without reasoning, total_tokens with it, as xAI counts", async () => {
    server = await createFakeServer(openaiChatProtocol({ reasoningTokens: 'outside' }))
    server.enqueue({ text: 'ok', usage: { inputTokens: 218, outputTokens: 98, reasoningTokens: 82 } })
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
    const completion = await client.chat.completions.create({ model: 'grok-3-mini', messages: [] })
    expect(completion.usage).toMatchObject({
      prompt_tokens: 218,
      completion_tokens: 16,
      total_tokens: 316,
      completion_tokens_details: { reasoning_tokens: 82 },
    })
  })

  it("reasoningField 'reasoning' and keepAlive: OpenRouter's field and its keep-alive lines", async () => {
    const protocol = openaiChatProtocol({ reasoningField: 'reasoning', keepAlive: 2 })
    server = await createFakeServer(protocol)
    server.enqueue({ reasoning: 'Think.', text: 'Hi' }, { reasoning: 'Think.', text: 'Hi' })
    const json = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'openai/gpt-5', messages: [] }),
    })
    const text = await json.text()
    expect(text.startsWith('\n \n\n \n{')).toBe(true)
    expect(json.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(text).choices[0].message).toMatchObject({ content: 'Hi', reasoning: 'Think.' })
    const sse = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'openai/gpt-5', messages: [], stream: true }),
    })
    const events = await sse.text()
    expect(events.startsWith(': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {')).toBe(true)
    expect(events).toContain('"delta":{"reasoning":"Think."}')
  })

  it('finishWithLastChunk: the last text or tool-call piece comes with finish_reason, per protocol or per reply', async () => {
    const streamed = async () => {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server?.url}/v1`, maxRetries: 0 })
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [],
        stream: true,
      })
      const chunks: ChatCompletionChunk[] = []
      for await (const chunk of stream) chunks.push(chunk)
      return chunks.map(({ choices: [choice] }) => [choice?.delta, choice?.finish_reason])
    }
    server = await createFakeServer(openaiChatProtocol({ finishWithLastChunk: true }))
    server.enqueue(
      { chunks: ['Hel', 'lo'] },
      { toolCalls: [{ id: 'call_1', name: 'f', args: {} }] },
      { chunks: ['Hel', 'lo'], finishWithLastChunk: false },
      { text: '' },
    )
    const role = [{ role: 'assistant', content: '', refusal: null }, null]
    expect(await streamed()).toEqual([role, [{ content: 'Hel' }, null], [{ content: 'lo' }, 'stop']])
    expect(await streamed()).toEqual([
      role,
      [
        {
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }],
        },
        null,
      ],
      [{ tool_calls: [{ index: 0, function: { arguments: '{' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: '}' } }] }, 'tool_calls'],
    ])
    expect(await streamed()).toEqual([
      role,
      [{ content: 'Hel' }, null],
      [{ content: 'lo' }, null],
      [{}, 'stop'],
    ])
    // A reply with nothing to stream still finishes in a chunk of its own.
    expect(await streamed()).toEqual([role, [{}, 'stop']])
  })
})
