import {
  AbortedError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  type PluginHost,
  type ProviderAdapter,
  ProviderError,
  type ProviderRequest,
  type ProviderStreamPart,
  QuotaExceededError,
  RateLimitError,
} from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { mockProvider } from './mock-provider.js'
import { providerConformance } from './provider-conformance.js'
import { testContext } from './test-context.js'

providerConformance({
  name: 'mockProvider',
  model: 'mock-model',
  async setup() {
    const mock = mockProvider()
    return { provider: mock.adapter, script: mock, apiKey: 'sk-mock-0123456789abcdef' }
  },
})

const request: ProviderRequest = { model: 'mock-model', messages: [{ role: 'user', content: 'Hi' }] }

async function collect(stream: AsyncIterable<ProviderStreamPart>) {
  const parts: ProviderStreamPart[] = []
  for await (const part of stream) parts.push(part)
  return parts
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('mockProvider', () => {
  it('is a plugin that registers its adapter', async () => {
    const mock = mockProvider({ id: 'fake-ai' })
    const registered: ProviderAdapter[] = []
    await mock.setup({
      registerProvider: (provider: ProviderAdapter) => registered.push(provider),
    } as unknown as PluginHost)
    expect(mock.name).toBe('mock:fake-ai')
    expect(registered).toEqual([mock.adapter])
    expect(mock.adapter.id).toBe('fake-ai')
  })

  it('rejects an id that is not a valid provider id', () => {
    expect(() => mockProvider({ id: 'Bad:Id' })).toThrow(ConfigError)
  })

  it('answers in FIFO order and records every call before answering it', async () => {
    const mock = mockProvider()
    mock.enqueue({ text: 'first' }, { text: 'second' })
    const ctx = testContext()
    const first = await mock.adapter.generate(request, ctx)
    const second = await collect(mock.adapter.stream({ ...request, temperature: 0.5 }, ctx))
    expect(first.content).toEqual([{ type: 'text', text: 'first' }])
    expect(second.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'second' },
    ])
    expect(mock.calls).toEqual([
      { mode: 'generate', request, ctx },
      { mode: 'stream', request: { ...request, temperature: 0.5 }, ctx },
    ])
    expect(mock.pending).toBe(0)
  })

  it('records a stream call when it is made, before it is iterated', () => {
    const mock = mockProvider()
    mock.adapter.stream(request, testContext())
    expect(mock.calls.map((call) => call.mode)).toEqual(['stream'])
  })

  it('throws a clear ProviderError when the script runs out, from generate and from a stream', async () => {
    const mock = mockProvider({ id: 'empty' })
    const error = await failure(mock.adapter.generate(request, testContext()))
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toMatchObject({
      message: 'mock provider empty has no scripted reply left',
      retryable: false,
    })
    await expect(collect(mock.adapter.stream(request, testContext()))).rejects.toThrow(
      'mock provider empty has no scripted reply left',
    )
    expect(mock.calls).toHaveLength(2)
  })

  it('answers with the default turn once the script runs out', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'default' } })
    mock.enqueue({ text: 'scripted' })
    const texts = []
    for (let i = 0; i < 3; i++) texts.push((await mock.adapter.generate(request, testContext())).content)
    expect(texts).toEqual([
      [{ type: 'text', text: 'scripted' }],
      [{ type: 'text', text: 'default' }],
      [{ type: 'text', text: 'default' }],
    ])
  })

  it('forgets scripted turns and calls on reset', async () => {
    const mock = mockProvider()
    mock.enqueue({ text: 'a' }, { text: 'b' })
    await mock.adapter.generate(request, testContext())
    mock.reset()
    expect(mock.calls).toEqual([])
    expect(mock.pending).toBe(0)
  })

  it('returns reasoning, text and tool calls with deterministic ids, default usage and scripted extras', async () => {
    const mock = mockProvider()
    mock.enqueue({
      reasoning: 'Think first.',
      text: 'Calling a tool.',
      toolCalls: [
        { name: 'lookup', args: { q: 'x' } },
        { id: 'mine', name: 'save', args: {} },
      ],
      costNanoUsd: 1234,
      model: 'mock-model-2025',
    })
    const result = await mock.adapter.generate(request, testContext())
    expect(result).toEqual({
      content: [
        { type: 'reasoning', text: 'Think first.' },
        { type: 'text', text: 'Calling a tool.' },
        { type: 'tool-call', id: 'call_1_1', name: 'lookup', args: { q: 'x' } },
        { type: 'tool-call', id: 'mine', name: 'save', args: {} },
      ],
      finishReason: 'tool-calls',
      usage: {
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 12,
        reasoningTokens: 3,
        totalTokens: 22,
      },
      costNanoUsd: 1234,
      model: 'mock-model-2025',
    })
  })

  it('streams reasoning, text split into words, tool calls, usage with cost, then finish with the model', async () => {
    const mock = mockProvider()
    mock.enqueue({
      reasoning: 'Hmm, yes.',
      text: 'Hello big world',
      toolCalls: [{ name: 'lookup', args: { q: 1 } }],
      finishReason: 'stop',
      usage: { inputTokens: 7, outputTokens: 5 },
      costNanoUsd: 99,
      model: 'served-model',
    })
    expect(await collect(mock.adapter.stream(request, testContext()))).toEqual([
      { type: 'reasoning-delta', text: 'Hmm, ' },
      { type: 'reasoning-delta', text: 'yes.' },
      { type: 'text-delta', text: 'Hello ' },
      { type: 'text-delta', text: 'big ' },
      { type: 'text-delta', text: 'world' },
      { type: 'tool-call', toolCall: { id: 'call_1_1', name: 'lookup', args: { q: 1 } } },
      {
        type: 'usage',
        usage: {
          inputTokens: 7,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 5,
          reasoningTokens: 3,
          totalTokens: 12,
        },
        costNanoUsd: 99,
      },
      { type: 'finish', finishReason: 'stop', model: 'served-model' },
    ])
  })

  it('refuses chunks that do not join to the scripted text', async () => {
    const mock = mockProvider()
    mock.enqueue({ text: 'abc', chunks: ['a', 'b'] })
    await expect(mock.adapter.generate(request, testContext())).rejects.toThrow(
      'Scripted reply: chunks join to "ab", not the text',
    )
  })

  it.each([
    [{ status: 401 }, AuthenticationError, false],
    [{ status: 403 }, AuthenticationError, false],
    [{ status: 429, code: 'insufficient_quota' }, QuotaExceededError, false],
    [{ status: 400, code: 'context_length_exceeded' }, ContextLengthError, false],
    [{ status: 404 }, ProviderError, false],
    [{ status: 502 }, ProviderError, true],
    [{ status: 529, message: 'Overloaded' }, ProviderError, true],
  ] as const)('maps status %j to its typed error', async (scripted, ErrorClass, retryable) => {
    const mock = mockProvider()
    mock.enqueue({ error: scripted })
    const error = await failure(mock.adapter.generate(request, testContext()))
    expect(ErrorClass.is(error)).toBe(true)
    expect(error).toMatchObject({ status: scripted.status, retryable, provider: 'mock', model: 'mock-model' })
  })

  it('takes retryAfterMs from the scripted retry headers', async () => {
    const mock = mockProvider()
    mock.enqueue({ error: { status: 429, headers: { 'retry-after-ms': '1500' } } })
    const error = await failure(mock.adapter.generate(request, testContext()))
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({
      retryable: true,
      retryAfterMs: 1500,
      message: 'mock: 429 Too Many Requests',
    })
  })

  it('throws a ConnectionError for a dropped connection and for a broken non-streamed reply', async () => {
    const mock = mockProvider()
    mock.enqueue({ dropConnection: true }, { text: 'cut short', breakAfterChunks: 1 })
    for (let i = 0; i < 2; i++) {
      const error = await failure(mock.adapter.generate(request, testContext()))
      expect(ConnectionError.is(error)).toBe(true)
      expect(error).toMatchObject({ retryable: true })
    }
  })

  it('stops waiting out a delay as soon as the signal aborts', async () => {
    const mock = mockProvider()
    mock.enqueue({ text: 'late', delayMs: 10_000 }, { text: 'late too', delayMs: 10_000 })
    const started = Date.now()
    const error = await failure(
      mock.adapter.generate(request, testContext({ signal: AbortSignal.timeout(30) })),
    )
    const streamError = await failure(
      collect(mock.adapter.stream(request, testContext({ signal: AbortSignal.timeout(30) }))),
    )
    expect(AbortedError.is(error)).toBe(true)
    expect(AbortedError.is(streamError)).toBe(true)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('records a call aborted before it starts but leaves its turn in the script', async () => {
    const mock = mockProvider()
    mock.enqueue({ text: 'kept' })
    const error = await failure(mock.adapter.generate(request, testContext({ signal: AbortSignal.abort() })))
    expect(AbortedError.is(error)).toBe(true)
    expect(mock.calls).toHaveLength(1)
    expect(mock.pending).toBe(1)
  })

  it('lists its models and accepts its credentials', async () => {
    const models = [{ id: 'small', contextWindow: 8000 }]
    const mock = mockProvider({
      models,
      prices: [{ provider: 'mock', model: 'small', price: { input: 1, output: 2 } }],
    })
    expect(await mock.adapter.listModels?.(testContext())).toEqual(models)
    await expect(mock.adapter.validateCredentials?.(testContext())).resolves.toBeUndefined()
    expect(mock.adapter.prices).toEqual([
      { provider: 'mock', model: 'small', price: { input: 1, output: 2 } },
    ])
    expect(await mockProvider().adapter.listModels?.(testContext())).toEqual([{ id: 'mock-model' }])
  })
})
