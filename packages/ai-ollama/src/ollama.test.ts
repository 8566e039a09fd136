import {
  AbortedError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  createAI,
  type ProviderRequest,
  type ProviderStreamPart,
  UnknownModelError,
  ValidationError,
} from '@aimux/ai-core'
import { createFakeServer, type FakeServer, ollamaProtocol, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type OllamaOptions, ollama, ollamaAdapter } from './ollama.js'

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'llama3.2:latest',
  messages: [{ role: 'user', content: 'Hello' }],
  ...overrides,
})

async function collect(stream: AsyncIterable<ProviderStreamPart>) {
  const parts: ProviderStreamPart[] = []
  try {
    for await (const part of stream) parts.push(part)
    return { parts, error: undefined }
  } catch (error) {
    return { parts, error: error as Error & Record<string, unknown> }
  }
}

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error as Error & Record<string, unknown>,
  )
}

let server: FakeServer
let adapter: ReturnType<typeof ollamaAdapter>
beforeEach(async () => {
  server = await createFakeServer(ollamaProtocol())
  adapter = ollamaAdapter({ host: server.url, keepAlive: '10m' })
})
afterEach(() => server.close())

describe('ollama requests', () => {
  it('sends the turns, images as base64, tools, think, format, keep_alive and options', async () => {
    server.enqueue({ text: '{"animal":"cat"}' })
    const schema = { type: 'object', properties: { animal: { type: 'string' } } }
    await adapter.generate(
      ask({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
              { type: 'image', image: 'data:image/jpeg;base64,/9j/4AAQ' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Look it up.' },
              { type: 'text', text: 'Let me check.' },
              { type: 'tool-call', id: 'ollama-call-r-1-1', name: 'lookup', args: { word: 'cat' } },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'ollama-call-r-1-1',
                toolName: 'lookup',
                result: { kind: 'animal' },
              },
            ],
          },
        ],
        tools: [{ name: 'lookup', description: 'Look a word up', parameters: { type: 'object' } }],
        reasoning: { effort: 'high' },
        responseFormat: { type: 'json', schema },
        temperature: 0,
        topP: 0.5,
        maxOutputTokens: 256,
        stop: ['END'],
        seed: 42,
        providerOptions: { ollama: { options: { num_ctx: 8192 } } },
      }),
      testContext(),
    )
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/chat' })
    expect(server.requests[0]?.body).toEqual({
      model: 'llama3.2:latest',
      stream: false,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: ['iVBORw==', '/9j/4AAQ'] },
        {
          role: 'assistant',
          content: 'Let me check.',
          thinking: 'Look it up.',
          tool_calls: [{ function: { name: 'lookup', arguments: { word: 'cat' } } }],
        },
        { role: 'tool', content: '{"kind":"animal"}', tool_name: 'lookup' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', description: 'Look a word up', parameters: { type: 'object' } },
        },
      ],
      think: 'high',
      format: schema,
      keep_alive: '10m',
      options: { temperature: 0, top_p: 0.5, num_predict: 256, stop: ['END'], seed: 42, num_ctx: 8192 },
    })
  })

  it('lets providerOptions.ollama override keep_alive, and asks for plain JSON without a schema', async () => {
    server.enqueue({ text: '{}' })
    await adapter.generate(
      ask({
        responseFormat: { type: 'json' },
        reasoning: { budgetTokens: 1000 },
        providerOptions: { ollama: { keep_alive: 0 } },
      }),
      testContext(),
    )
    expect(server.requests[0]?.body).toMatchObject({ format: 'json', think: true, keep_alive: 0 })
    expect(server.requests[0]?.body).not.toHaveProperty('options')
  })

  it('sends no tools for toolChoice none, and only the named tool for a named choice', async () => {
    server.enqueue({ text: 'a' }, { text: 'b' })
    const tools = [
      { name: 'a', parameters: { type: 'object' } },
      { name: 'b', parameters: { type: 'object' } },
    ]
    await adapter.generate(ask({ tools, toolChoice: 'none' }), testContext())
    await adapter.generate(ask({ tools, toolChoice: { type: 'tool', name: 'b' } }), testContext())
    expect(server.requests[0]?.body).not.toHaveProperty('tools')
    expect(
      (server.requests[1]?.body as { tools?: { function: { name: string } }[] } | undefined)?.tools?.map(
        (tool) => tool.function.name,
      ),
    ).toEqual(['b'])
  })

  it('refuses an image URL with a clear error, sending nothing', async () => {
    const error = await failure(
      adapter.generate(
        ask({
          messages: [{ role: 'user', content: [{ type: 'image', image: 'https://example.com/cat.png' }] }],
        }),
        testContext(),
      ),
    )
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toBe(
      'ollama: images must be bytes, base64 or a data: URL; Ollama cannot fetch an image URL',
    )
    expect(server.requests).toHaveLength(0)
  })
})

describe('ollama answers', () => {
  it('reads thinking, text and usage from prompt_eval_count and eval_count', async () => {
    server.enqueue({
      reasoning: 'Simple.',
      text: 'Hi there.',
      usage: { inputTokens: 26, outputTokens: 282 },
      finishReason: 'length',
    })
    const result = await adapter.generate(ask(), testContext())
    expect(result).toMatchObject({
      content: [
        { type: 'reasoning', text: 'Simple.' },
        { type: 'text', text: 'Hi there.' },
      ],
      finishReason: 'length',
      model: 'llama3.2:latest',
      usage: {
        inputTokens: 26,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 282,
        reasoningTokens: 0,
        totalTokens: 308,
      },
    })
    expect(result.raw).toMatchObject({
      done: true,
      done_reason: 'length',
      prompt_eval_count: 26,
      eval_count: 282,
    })
  })

  it('infers a tool-calls finish from tool_calls, as done_reason only says stop, and gives the calls stable ids', async () => {
    server.enqueue({
      toolCalls: [
        { name: 'weather', args: { city: 'Oslo' } },
        { name: 'weather', args: { city: 'Rome' } },
      ],
    })
    const result = await adapter.generate(ask(), testContext({ requestId: 'req-3', step: 2 }))
    expect((result.raw as { done_reason: string }).done_reason).toBe('stop')
    expect(result.finishReason).toBe('tool-calls')
    expect(result.content).toEqual([
      { type: 'tool-call', id: 'ollama-call-req-3-2-1', name: 'weather', args: { city: 'Oslo' } },
      { type: 'tool-call', id: 'ollama-call-req-3-2-2', name: 'weather', args: { city: 'Rome' } },
    ])
  })

  it('streams NDJSON: thinking, text, tool calls, then one usage part and a tool-calls finish', async () => {
    server.enqueue({
      reasoning: 'Weather.',
      text: 'Checking.',
      toolCalls: [{ name: 'weather', args: { city: 'Oslo' } }],
      usage: { inputTokens: 50, outputTokens: 20 },
    })
    const { parts, error } = await collect(adapter.stream(ask(), testContext({ requestId: 'req-4' })))
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Weather.' },
      { type: 'text-delta', text: 'Checking.' },
      {
        type: 'tool-call',
        toolCall: { id: 'ollama-call-req-4-1-1', name: 'weather', args: { city: 'Oslo' } },
      },
      {
        type: 'usage',
        usage: {
          inputTokens: 50,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 20,
          reasoningTokens: 0,
          totalTokens: 70,
        },
      },
      { type: 'finish', finishReason: 'tool-calls', model: 'llama3.2:latest' },
    ])
    expect(server.requests[0]?.body).toMatchObject({ stream: true })
  })

  it('throws a retryable ConnectionError from a stream cut mid-way, leaving the text to the core', async () => {
    server.enqueue({ chunks: ['Once ', 'upon ', 'a time'], breakAfterChunks: 2 })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Once ' },
      { type: 'text-delta', text: 'upon ' },
    ])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true })
  })

  it('aborts a call waiting for its answer, though the ollama client takes no signal', async () => {
    server.enqueue({ text: 'late', delayMs: 2000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = Date.now()
    const error = await failure(adapter.generate(ask(), testContext({ signal: controller.signal })))
    expect(AbortedError.is(error)).toBe(true)
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

describe('ollama errors', () => {
  it('names the host in a retryable ConnectionError when no server is running', async () => {
    const stopped = await createFakeServer(ollamaProtocol())
    await stopped.close()
    const offline = ollamaAdapter({ host: stopped.url })
    const error = await failure(offline.generate(ask(), testContext()))
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({
      retryable: true,
      message: `ollama: cannot reach the Ollama server at ${stopped.url} (ECONNREFUSED). Is it running? Start it with \`ollama serve\`.`,
    })
    const { parts, error: streamError } = await collect(offline.stream(ask(), testContext()))
    expect(parts).toEqual([])
    expect(ConnectionError.is(streamError)).toBe(true)
    expect(ConnectionError.is(await failure(offline.listModels?.(testContext()) ?? Promise.resolve()))).toBe(
      true,
    )
  })

  it('maps a model that is not pulled to an UnknownModelError', async () => {
    server.enqueue({ error: { status: 404, message: "model 'mistral:7b' not found, try pulling it first" } })
    const error = await failure(adapter.generate(ask({ model: 'mistral:7b' }), testContext()))
    expect(UnknownModelError.is(error)).toBe(true)
    expect(error).toMatchObject({
      status: 404,
      retryable: false,
      message: "ollama: 404 model 'mistral:7b' not found, try pulling it first",
    })
  })

  it('sends a hosted key as a bearer token and keeps it out of a 401', async () => {
    const key = 'ollama-hosted-key-0123456789abcdef'
    const hosted = ollamaAdapter({ host: server.url, apiKey: key })
    server.enqueue({ error: { status: 401, message: `invalid key ${key}` } })
    const error = await failure(hosted.generate(ask(), testContext()))
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${key}`)
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error.message).not.toContain(key)
  })
})

describe('ollama models, hosts and prices', () => {
  it('refuses wrong options with a ConfigError naming the field, before any call', () => {
    expect(() => ollamaAdapter({ host: '' })).toThrow(ConfigError)
    expect(() => ollamaAdapter({ keepAlive: '' })).toThrow(/^Invalid ollama options: keepAlive: /)
    expect(() =>
      ollama({ prices: { 'qwen3:8b': { input: -1, output: 0.8 } } } as unknown as OllamaOptions),
    ).toThrow(/^Invalid ollama options: prices\.qwen3:8b\.input: /)
  })

  it('aborts one call without touching another that shares its client', async () => {
    server.enqueue({ text: 'slow', delayMs: 5000 }, { text: 'kept', delayMs: 100 })
    const controller = new AbortController()
    const aborted = failure(adapter.generate(ask(), testContext({ signal: controller.signal })))
    await vi.waitFor(() => expect(server.requests).toHaveLength(1))
    const kept = adapter.generate(ask(), testContext())
    await vi.waitFor(() => expect(server.requests).toHaveLength(2))
    controller.abort()
    expect(AbortedError.is(await aborted)).toBe(true)
    expect((await kept).content).toEqual([{ type: 'text', text: 'kept' }])
  })

  it('lists models from /api/tags at zero cost unless priced, and validates the server', async () => {
    const priced = ollamaAdapter({ host: server.url, prices: { 'qwen3:8b': { input: 0.2, output: 0.8 } } })
    expect(await priced.listModels?.(testContext())).toEqual([
      { id: 'llama3.2:latest', price: { input: 0, output: 0 } },
      { id: 'qwen3:8b', price: { input: 0.2, output: 0.8 } },
    ])
    expect(priced.prices).toEqual([
      { provider: 'ollama', model: '*', price: { input: 0, output: 0 } },
      { provider: 'ollama', model: 'qwen3:8b', price: { input: 0.2, output: 0.8 } },
    ])
    await expect(priced.validateCredentials?.(testContext())).resolves.toBeUndefined()
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/tags',
      'GET /api/tags',
    ])
  })

  it('costs a local model nothing and a priced one its price, after a model sync', async () => {
    const ai = await createAI({
      plugins: [
        {
          name: 'ollama',
          setup: (host) =>
            host.registerProvider(
              ollamaAdapter({ host: server.url, prices: { 'qwen3:8b': { input: 0.2, output: 0.8 } } }),
            ),
        },
      ],
    })
    await ai.models.sync()
    server.enqueue(
      { text: 'Hi.', usage: { inputTokens: 1000, outputTokens: 500 } },
      { text: 'Hi.', usage: { inputTokens: 1000, outputTokens: 500 } },
    )
    const local = await ai.chat({
      model: 'ollama:llama3.2:latest',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    const hosted = await ai.chat({ model: 'ollama:qwen3:8b', messages: [{ role: 'user', content: 'Hi' }] })
    expect(local.cost).toMatchObject({ nanoUsd: 0, source: 'catalog' })
    // 1000 x $0.20 + 500 x $0.80 per million tokens
    expect(hosted.cost).toMatchObject({ nanoUsd: 600_000, source: 'catalog' })
    await ai.close()
  })

  it('defaults to OLLAMA_HOST, and lets the credentials chosen for a call win', async () => {
    vi.stubEnv('OLLAMA_HOST', server.url)
    server.enqueue({ text: 'from the environment' })
    expect((await ollamaAdapter().generate(ask(), testContext())).content).toEqual([
      { type: 'text', text: 'from the environment' },
    ])
    vi.unstubAllEnvs()

    const other = await createFakeServer(ollamaProtocol())
    other.enqueue({ text: 'from the other server' })
    const result = await adapter.generate(
      ask(),
      testContext({ credentials: { baseURL: other.url, apiKey: 'k-rotated-123' } }),
    )
    expect(result.content).toEqual([{ type: 'text', text: 'from the other server' }])
    expect(other.requests[0]?.headers.authorization).toBe('Bearer k-rotated-123')
    await other.close()
  })
})
