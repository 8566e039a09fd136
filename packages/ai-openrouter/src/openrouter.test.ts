import {
  AuthenticationError,
  ConfigError,
  ContextLengthError,
  createAI,
  type ProviderAdapter,
  ProviderError,
  type ProviderStreamPart,
  QuotaExceededError,
  RateLimitError,
  StreamInterruptedError,
} from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  openrouterProtocol,
  sseEvent,
  testContext,
  type WireFrame,
} from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openrouter, openrouterAdapter } from './openrouter.js'

const apiKey = 'sk-or-v1-test0123456789abcdef'
const models: Record<string, unknown>[] = [
  {
    id: 'anthropic/claude-sonnet-4.5',
    name: 'Anthropic: Claude Sonnet 4.5',
    context_length: 1_000_000,
    architecture: { input_modalities: ['text', 'image', 'file'], output_modalities: ['text'] },
    pricing: {
      prompt: '0.000003',
      completion: '0.000015',
      input_cache_read: '0.0000003',
      input_cache_write: '0.00000375',
      request: '0',
      image: '0.0048',
    },
    top_provider: { context_length: 1_000_000, max_completion_tokens: 64_000, is_moderated: false },
    supported_parameters: [
      'max_tokens',
      'reasoning',
      'tools',
      'tool_choice',
      'response_format',
      'structured_outputs',
    ],
  },
  {
    id: 'openai/gpt-5.4-mini',
    name: 'OpenAI: GPT-5.4 Mini',
    context_length: 400_000,
    architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] },
    pricing: { prompt: '0.00000075', completion: '0.0000045', input_cache_read: '0.000000075' },
    top_provider: { context_length: 400_000, max_completion_tokens: 128_000, is_moderated: true },
    supported_parameters: ['max_tokens', 'tools', 'seed'],
  },
  {
    id: 'openrouter/auto',
    name: 'Auto Router',
    context_length: 2_000_000,
    architecture: { input_modalities: ['text'], output_modalities: ['text'] },
    pricing: { prompt: '-1', completion: '-1' },
    top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
    supported_parameters: [],
  },
]

let server: FakeServer
let adapter: ProviderAdapter
beforeEach(async () => {
  server = await createFakeServer(openrouterProtocol({ models }))
  adapter = openrouterAdapter({
    apiKey,
    baseURL: `${server.url}/api/v1`,
    appName: 'Acme Support',
    appUrl: 'https://acme.example',
  })
})
afterEach(() => server.close())

const ask = { model: 'openai/gpt-5', messages: [{ role: 'user' as const, content: 'Hello' }] }

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (error: unknown) => error as Error,
  )
}

describe('the OpenRouter request', () => {
  it('carries the attribution headers, usage accounting, max_tokens and the reasoning effort', async () => {
    server.enqueue({ text: 'Hi!' })
    await adapter.generate({ ...ask, maxOutputTokens: 500, reasoning: { effort: 'medium' } }, testContext())
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/chat/completions' })
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${apiKey}`,
      'http-referer': 'https://acme.example',
      'x-title': 'Acme Support',
    })
    expect(server.requests[0]?.body).toEqual({
      model: 'openai/gpt-5',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 500,
      reasoning: { effort: 'medium' },
      usage: { include: true },
    })
  })

  it('asks for a reasoning budget in tokens when one is given', async () => {
    server.enqueue({ text: 'Hi!' })
    await adapter.generate({ ...ask, reasoning: { budgetTokens: 2000 } }, testContext())
    expect(server.requests[0]?.body).toMatchObject({ reasoning: { max_tokens: 2000 } })
  })

  it('passes provider routing preferences and the models fallback list through providerOptions', async () => {
    server.enqueue({ text: 'Served by the fallback.', model: 'anthropic/claude-sonnet-4.5' })
    const result = await adapter.generate(
      {
        ...ask,
        providerOptions: {
          openrouter: {
            models: ['anthropic/claude-sonnet-4.5', 'google/gemini-2.5-pro'],
            provider: { order: ['openai', 'azure'], allow_fallbacks: false, data_collection: 'deny' },
          },
        },
      },
      testContext(),
    )
    expect(server.requests[0]?.body).toMatchObject({
      models: ['anthropic/claude-sonnet-4.5', 'google/gemini-2.5-pro'],
      provider: { order: ['openai', 'azure'], allow_fallbacks: false, data_collection: 'deny' },
    })
    expect(result.model).toBe('anthropic/claude-sonnet-4.5')
  })

  it('sends no attribution headers when the app is not named', async () => {
    server.enqueue({ text: 'Hi!' })
    await openrouterAdapter({ apiKey, baseURL: `${server.url}/api/v1` }).generate(ask, testContext())
    expect(server.requests[0]?.headers['http-referer']).toBeUndefined()
    expect(server.requests[0]?.headers['x-title']).toBeUndefined()
  })
})

describe('the cost OpenRouter reports', () => {
  it('is the result’s costNanoUsd, exactly, from a JSON reply that starts with keep-alive whitespace', async () => {
    server.enqueue({
      text: 'Hi!',
      usage: { inputTokens: 229, outputTokens: 201, reasoningTokens: 128 },
      costNanoUsd: 2_296_250,
    })
    const result = await adapter.generate(ask, testContext())
    expect(result.costNanoUsd).toBe(2_296_250)
    expect(result.usage).toEqual({
      inputTokens: 229,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 201,
      reasoningTokens: 128,
      totalTokens: 430,
    })
  })

  it('comes with the one usage part of a stream that starts with keep-alive comments', async () => {
    server.enqueue({
      reasoning: 'Greeting back.',
      chunks: ['Hi', '!'],
      usage: {
        inputTokens: 63,
        cachedInputTokens: 32,
        cacheWriteTokens: 16,
        outputTokens: 157,
        reasoningTokens: 128,
      },
      costNanoUsd: 1_648_750,
    })
    const parts: ProviderStreamPart[] = []
    for await (const part of adapter.stream(ask, testContext())) parts.push(part)
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Greeting ' },
      { type: 'reasoning-delta', text: 'back.' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'text-delta', text: '!' },
      {
        type: 'usage',
        usage: {
          inputTokens: 63,
          cachedInputTokens: 32,
          cacheWriteTokens: 16,
          outputTokens: 157,
          reasoningTokens: 128,
          totalTokens: 220,
        },
        costNanoUsd: 1_648_750,
      },
      { type: 'finish', finishReason: 'stop', model: 'openai/gpt-5' },
    ])
  })

  it('wins over the price catalog for the call’s cost', async () => {
    const ai = await createAI({
      plugins: [openrouter({ apiKey, baseURL: `${server.url}/api/v1` })],
      defaultModel: 'openrouter:openai/gpt-5',
    })
    try {
      server.enqueue({ text: 'Hi!', usage: { inputTokens: 1000, outputTokens: 100 }, costNanoUsd: 777 })
      const res = await ai.chat({ messages: [{ role: 'user', content: 'Hello' }] })
      expect(res.cost).toMatchObject({ nanoUsd: 777, source: 'provider' })
    } finally {
      await ai.close()
    }
  })

  it('is left to the catalog when the reply has none: openai/gpt-5 at its built-in price', async () => {
    const ai = await createAI({
      plugins: [openrouter({ apiKey, baseURL: `${server.url}/api/v1` })],
      defaultModel: 'openrouter:openai/gpt-5',
    })
    try {
      server.enqueue({ text: 'Hi!', usage: { inputTokens: 229, outputTokens: 201 } })
      const res = await ai.chat({ messages: [{ role: 'user', content: 'Hello' }] })
      // 229 x $1.25 + 201 x $10, per million tokens: the same $0.00229625 OpenRouter reported for this call
      expect(res.cost).toMatchObject({ nanoUsd: 286_250 + 2_010_000, source: 'catalog' })
    } finally {
      await ai.close()
    }
  })
})

describe('errors', () => {
  it('maps 402 (no credits left) to a QuotaExceededError that is not retried', async () => {
    server.enqueue({
      error: { status: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/credits' },
    })
    const error = await failure(adapter.generate(ask, testContext()))
    expect(QuotaExceededError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 402, retryable: false, provider: 'openrouter' })
  })

  it('reads the wait of a 429 from x-ratelimit-reset in epoch milliseconds', async () => {
    const reset = Date.now() + 30_000
    server.enqueue({
      error: {
        status: 429,
        message: 'Rate limit exceeded: free-models-per-min.',
        headers: {
          'x-ratelimit-limit': '20',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
        },
      },
    })
    const error = await failure(adapter.generate(ask, testContext()))
    expect(RateLimitError.is(error)).toBe(true)
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(25_000)
    expect((error as RateLimitError).retryAfterMs).toBeLessThanOrEqual(30_000)
  })

  it('maps a prompt longer than the model’s context to a ContextLengthError', async () => {
    server.enqueue({
      error: {
        status: 400,
        message:
          'This endpoint\'s maximum context length is 400000 tokens. However, you requested about 412345 tokens (412345 of text input). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.',
      },
    })
    expect(ContextLengthError.is(await failure(adapter.generate(ask, testContext())))).toBe(true)
  })

  it('keeps the key out of a 401', async () => {
    server.enqueue({ error: { status: 401, message: `No auth credentials found for ${apiKey}` } })
    const error = await failure(adapter.generate(ask, testContext()))
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error.message).not.toContain(apiKey)
  })

  it('is a ConfigError when the options are wrong, as soon as the adapter is made', () => {
    expect(() => openrouterAdapter({ appName: '', baseURL: 'openrouter.ai' })).toThrowError(
      /^Invalid openrouter options: baseURL: .+; appName: /,
    )
  })

  it('is a ConfigError naming OPENROUTER_API_KEY when there is no key', async () => {
    const saved = process.env.OPENROUTER_API_KEY
    delete process.env.OPENROUTER_API_KEY
    try {
      const error = await failure(
        openrouterAdapter({ baseURL: `${server.url}/api/v1` }).generate(ask, testContext()),
      )
      expect(ConfigError.is(error)).toBe(true)
      expect(error.message).toBe(
        'openrouter: no API key. Pass apiKey to the openrouter plugin or set OPENROUTER_API_KEY.',
      )
    } finally {
      if (saved !== undefined) process.env.OPENROUTER_API_KEY = saved
    }
  })
})

describe('an error OpenRouter sends inside a stream', () => {
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): WireFrame => ({
    data: sseEvent({
      id: 'gen-1',
      object: 'chat.completion.chunk',
      created: 1_773_323_913,
      model: 'openai/gpt-5',
      provider: 'OpenAI',
      choices: [{ index: 0, delta, finish_reason: extra.error ? 'error' : null, native_finish_reason: null }],
      ...extra,
    }),
  })
  const failure502 = { error: { code: 502, message: 'Provider returned error' } }

  async function collectFrom(frames: WireFrame[]) {
    const failing = await createFakeServer({
      name: 'openrouter-mid-stream-error',
      routes: [
        {
          method: 'POST',
          path: '/api/v1/chat/completions',
          reply: () => ({ type: 'stream', contentType: 'text/event-stream', frames }),
        },
      ],
      errorBody: () => ({}),
    })
    try {
      failing.enqueue({ text: 'unused' })
      const parts: ProviderStreamPart[] = []
      const stream = openrouterAdapter({ apiKey, baseURL: `${failing.url}/api/v1` }).stream(
        ask,
        testContext(),
      )
      try {
        for await (const part of stream) parts.push(part)
      } catch (error) {
        return { parts, error }
      }
      return { parts, error: undefined }
    } finally {
      await failing.close()
    }
  }

  it('after some text: the typed error of its code, thrown from the stream after the text', async () => {
    const { parts, error } = await collectFrom([
      { data: ': OPENROUTER PROCESSING\n\n' },
      chunk({ role: 'assistant', content: 'Hel' }),
      chunk({ content: '' }, failure502),
    ])
    expect(parts).toEqual([{ type: 'text-delta', text: 'Hel' }])
    expect(ProviderError.is(error)).toBe(true)
    expect(StreamInterruptedError.is(error)).toBe(false)
    expect(error).toMatchObject({ status: 502, retryable: true })
  })

  it('after some text, through ai.stream: a StreamInterruptedError holding the text, caused by the typed error', async () => {
    const failing = await createFakeServer({
      name: 'openrouter-mid-stream-error',
      routes: [
        {
          method: 'POST',
          path: '/api/v1/chat/completions',
          reply: () => ({
            type: 'stream',
            contentType: 'text/event-stream',
            frames: [chunk({ role: 'assistant', content: 'Hel' }), chunk({ content: '' }, failure502)],
          }),
        },
      ],
      errorBody: () => ({}),
    })
    const ai = await createAI({
      plugins: [openrouter({ apiKey, baseURL: `${failing.url}/api/v1` })],
      defaultModel: `openrouter:${ask.model}`,
      retry: false,
    })
    try {
      failing.enqueue({ text: 'unused' })
      const error = await (async () => {
        for await (const _part of ai.stream({ messages: ask.messages })) {
          // read to the end
        }
      })().catch((caught: unknown) => caught)
      expect(StreamInterruptedError.is(error)).toBe(true)
      expect(error).toMatchObject({ partialText: 'Hel' })
      expect((error as Error).cause).toMatchObject({ status: 502, retryable: true })
    } finally {
      await ai.close()
      await failing.close()
    }
  })

  it('before any text: the typed error of its code, thrown from the stream', async () => {
    const { parts, error } = await collectFrom([chunk({ content: '' }, failure502)])
    expect(parts).toEqual([])
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toMatchObject({
      status: 502,
      retryable: true,
      message: 'openrouter: 502 Provider returned error',
    })
  })
})

describe('models and credentials', () => {
  it('lists the models with their limits, capabilities and per-token prices per million tokens, exactly', async () => {
    const listed = await adapter.listModels?.(testContext())
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/models' })
    expect(listed).toEqual([
      {
        id: 'anthropic/claude-sonnet-4.5',
        name: 'Anthropic: Claude Sonnet 4.5',
        contextWindow: 1_000_000,
        maxOutputTokens: 64_000,
        capabilities: { streaming: true, tools: true, vision: true, json: true, reasoning: true },
        price: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
      },
      {
        id: 'openai/gpt-5.4-mini',
        name: 'OpenAI: GPT-5.4 Mini',
        contextWindow: 400_000,
        maxOutputTokens: 128_000,
        capabilities: { streaming: true, tools: true, vision: true, json: false, reasoning: false },
        price: { input: 0.75, output: 4.5, cachedInput: 0.075 },
      },
      {
        id: 'openrouter/auto',
        name: 'Auto Router',
        contextWindow: 2_000_000,
        capabilities: { streaming: true, tools: false, vision: false, json: false, reasoning: false },
      },
    ])
  })

  it('syncs the models and their prices into the catalog', async () => {
    const ai = await createAI({ plugins: [openrouter({ apiKey, baseURL: `${server.url}/api/v1` })] })
    try {
      const synced = await ai.models.sync()
      expect(synced.failed).toEqual([])
      expect(ai.models.price('openrouter:openai/gpt-5.4-mini')).toEqual({
        input: 0.75,
        output: 4.5,
        cachedInput: 0.075,
      })
      expect(await ai.models.get('openrouter:anthropic/claude-sonnet-4.5')).toMatchObject({
        contextWindow: 1_000_000,
      })
    } finally {
      await ai.close()
    }
  })

  it('validates the key with GET /key, which only a valid key may read', async () => {
    await expect(adapter.validateCredentials?.(testContext())).resolves.toBeUndefined()
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/key',
      headers: { authorization: `Bearer ${apiKey}` },
    })
    const guarded = await createFakeServer({
      name: 'openrouter-key',
      routes: [{ method: 'GET', path: '/api/v1/key', reply: () => ({ type: 'json', body: { data: {} } }) }],
      errorBody: openrouterProtocol().errorBody,
    })
    try {
      guarded.enqueue({ error: { status: 401, message: 'User not found.' } })
      const error = await failure(
        openrouterAdapter({ apiKey, baseURL: `${guarded.url}/api/v1` }).validateCredentials?.(
          testContext(),
        ) as Promise<void>,
      )
      expect(AuthenticationError.is(error)).toBe(true)
      expect(error.message).toBe('openrouter: 401 User not found.')
    } finally {
      await guarded.close()
    }
  })
})
