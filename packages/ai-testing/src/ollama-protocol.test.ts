import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { ollamaProtocol } from './ollama-protocol.js'

// The adapter in @aimux/ai-ollama reads this protocol with the real ollama client; these tests
// pin the bytes on the wire.
let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(ollamaProtocol())
})
afterEach(() => server.close())

const chat = (body: unknown) =>
  fetch(`${server.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('ollamaProtocol', () => {
  it('streams NDJSON by default: thinking, content, tool calls, then done with the counts', async () => {
    server.enqueue({
      reasoning: 'Hm.',
      chunks: ['Hi'],
      toolCalls: [{ name: 'f', args: { a: 1 } }],
      usage: { inputTokens: 26, outputTokens: 7 },
    })
    const res = await chat({ model: 'llama3.2:latest', messages: [] })
    expect(res.headers.get('content-type')).toBe('application/x-ndjson')
    const lines = (await res.text()).split('\n')
    expect(lines.at(-1)).toBe('')
    const objects = lines.filter(Boolean).map((line) => JSON.parse(line))
    expect(objects.map(({ message, done }) => ({ message, done }))).toEqual([
      { message: { role: 'assistant', content: '', thinking: 'Hm.' }, done: false },
      { message: { role: 'assistant', content: 'Hi' }, done: false },
      {
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }],
        },
        done: false,
      },
      { message: { role: 'assistant', content: '' }, done: true },
    ])
    expect(objects.at(-1)).toMatchObject({
      model: 'llama3.2:latest',
      done_reason: 'stop',
      prompt_eval_count: 26,
      eval_count: 7,
    })
  })

  it('answers one JSON object when stream is false', async () => {
    server.enqueue({ text: 'Hello', finishReason: 'length', usage: { inputTokens: 5, outputTokens: 2 } })
    expect(await (await chat({ model: 'qwen3:8b', stream: false })).json()).toMatchObject({
      model: 'qwen3:8b',
      message: { role: 'assistant', content: 'Hello' },
      done: true,
      done_reason: 'length',
      prompt_eval_count: 5,
      eval_count: 2,
    })
  })

  it('renders errors as { error } and lists models from /api/tags', async () => {
    server.enqueue({ error: { status: 404, message: "model 'x' not found" } })
    const res = await chat({ model: 'x' })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: "model 'x' not found" })
    const tags = (await (await fetch(`${server.url}/api/tags`)).json()) as { models: { name: string }[] }
    expect(tags.models.map((model) => model.name)).toEqual(['llama3.2:latest', 'qwen3:8b'])
  })
})
