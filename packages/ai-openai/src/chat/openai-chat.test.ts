import {
  AbortedError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  type ProviderAdapter,
  type ProviderRequest,
  type ProviderStreamPart,
  QuotaExceededError,
  RateLimitError,
  StreamInterruptedError,
  UnknownModelError,
} from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  openaiChatProtocol,
  sseEvent,
  testContext,
  type WireFrame,
} from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openaiAdapter } from '../openai.js'
import { createOpenAICompatibleAdapter } from './openai-chat.js'
import { type ChatUsageWire, chatUsage } from './openai-chat-response.js'

const apiKey = 'sk-test-adapter-0123456789'
const weather = { city: 'Oslo', days: 2 }
const time = { zone: 'Europe/Oslo' }
const tools = [
  {
    name: 'get_weather',
    description: 'Weather by city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
  { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
]

let server: FakeServer
let adapter: ProviderAdapter
beforeEach(async () => {
  server = await createFakeServer(openaiChatProtocol({ obfuscation: true }))
  adapter = openaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
})
afterEach(() => server.close())

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'gpt-5.4-mini',
  messages: [{ role: 'user', content: 'Hi' }],
  ...overrides,
})

async function collect(stream: AsyncIterable<ProviderStreamPart>) {
  const parts: ProviderStreamPart[] = []
  try {
    for await (const part of stream) parts.push(part)
  } catch (error) {
    return { parts, error }
  }
  return { parts, error: undefined }
}

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (error: unknown) => error as Error & Record<string, unknown>,
  )
}

describe('the Chat Completions request', () => {
  it('carries system and multi-turn messages, images, tool calls and results, and every setting', async () => {
    server.enqueue({ text: 'Done.' })
    await adapter.generate(
      ask({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', image: 'https://example.com/cat.png' },
              { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/jpeg' },
              { type: 'image', image: 'iVBORw0KGgo=' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Two lookups.' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool-call', id: 'call_1', name: 'get_weather', args: weather },
              { type: 'tool-call', id: 'call_2', name: 'get_time', args: time },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', result: { temp: 3 } },
              {
                type: 'tool-result',
                toolCallId: 'call_2',
                toolName: 'get_time',
                result: 'unknown zone',
                isError: true,
              },
            ],
          },
          { role: 'assistant', content: 'It is 3 degrees.' },
          { role: 'user', content: 'Thanks' },
        ],
        tools,
        toolChoice: { type: 'tool', name: 'get_weather' },
        responseFormat: {
          type: 'json',
          name: 'answer',
          schema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        },
        temperature: 0.2,
        topP: 0.9,
        maxOutputTokens: 300,
        stop: ['END'],
        seed: 7,
        reasoning: { effort: 'low' },
        providerOptions: { openai: { user: 'u-42', service_tier: 'flex' }, xai: { ignored: true } },
      }),
      testContext(),
    )
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' })
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-5.4-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo","days":2}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
        { role: 'tool', tool_call_id: 'call_2', content: '{"error":"unknown zone"}' },
        { role: 'assistant', content: 'It is 3 degrees.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather by city', parameters: tools[0]?.parameters },
        },
        { type: 'function', function: { name: 'get_time', parameters: tools[1]?.parameters } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 300,
      stop: ['END'],
      seed: 7,
      reasoning_effort: 'low',
      user: 'u-42',
      service_tier: 'flex',
    })
  })

  it('asks for a JSON object when the format has no schema, and passes a tool choice word as it is', async () => {
    server.enqueue({ text: '{}' })
    await adapter.generate(
      ask({ responseFormat: { type: 'json' }, tools, toolChoice: 'required' }),
      testContext(),
    )
    expect(server.requests[0]?.body).toMatchObject({
      response_format: { type: 'json_object' },
      tool_choice: 'required',
    })
  })

  it('streams with the usage chunk requested, keeping stream options given in providerOptions', async () => {
    server.enqueue({ text: 'ok' })
    await collect(
      adapter.stream(
        ask({ providerOptions: { openai: { stream_options: { include_obfuscation: false } } } }),
        testContext(),
      ),
    )
    expect(server.requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
    })
  })

  it('sends the key, organization, project and headers of the adapter', async () => {
    const own = openaiAdapter({
      apiKey,
      baseURL: `${server.url}/v1`,
      organization: 'org-own',
      project: 'proj-own',
      headers: { 'x-team': 'search' },
    })
    server.enqueue({ text: 'ok' })
    await own.generate(ask(), testContext())
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${apiKey}`,
      'openai-organization': 'org-own',
      'openai-project': 'proj-own',
      'x-team': 'search',
    })
  })
})

describe('per-call credentials', () => {
  it('win over the adapter’s own key, base URL, organization, project and headers', async () => {
    const other = await createFakeServer(openaiChatProtocol())
    try {
      other.enqueue({ text: 'from the other account' })
      const ctx = testContext({
        credentials: {
          apiKey: 'sk-rotated-9876543210',
          baseURL: `${other.url}/v1`,
          organization: 'org-call',
          project: 'proj-call',
          headers: { 'x-connection': 'c7' },
        },
      })
      const result = await adapter.generate(ask(), ctx)
      expect(result.content).toEqual([{ type: 'text', text: 'from the other account' }])
      expect(server.requests).toHaveLength(0)
      expect(other.requests[0]?.headers).toMatchObject({
        authorization: 'Bearer sk-rotated-9876543210',
        'openai-organization': 'org-call',
        'openai-project': 'proj-call',
        'x-connection': 'c7',
      })
    } finally {
      await other.close()
    }
  })

  it('keep the adapter’s own key when they only change the headers', async () => {
    server.enqueue({ text: 'ok' })
    await adapter.generate(ask(), testContext({ credentials: { headers: { 'x-connection': 'c8' } } }))
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${apiKey}`,
      'x-connection': 'c8',
    })
  })
})

describe('the API key', () => {
  const saved = process.env.OPENAI_API_KEY
  afterEach(() => {
    if (saved === undefined) delete process.env.OPENAI_API_KEY
    else process.env.OPENAI_API_KEY = saved
  })

  it('is missing: a ConfigError naming the variable at the first call, not when the adapter is made', async () => {
    delete process.env.OPENAI_API_KEY
    const keyless = openaiAdapter({ baseURL: `${server.url}/v1` })
    const error = await failure(keyless.generate(ask(), testContext()))
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toBe('openai: no API key. Pass apiKey to the openai plugin or set OPENAI_API_KEY.')
    const streamed = await collect(keyless.stream(ask(), testContext()))
    expect(ConfigError.is(streamed.error)).toBe(true)
    expect(server.requests).toHaveLength(0)
  })

  it('comes from OPENAI_API_KEY when the options leave it out', async () => {
    process.env.OPENAI_API_KEY = 'sk-from-env-1234567890'
    server.enqueue({ text: 'ok' })
    await openaiAdapter({ baseURL: `${server.url}/v1` }).generate(ask(), testContext())
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env-1234567890')
  })
})

describe('generate', () => {
  it('returns reasoning, text, parallel tool calls with parsed arguments, the served model and usage', async () => {
    server.enqueue({
      text: 'Let me look.',
      reasoning: 'Two tools at once.',
      toolCalls: [
        { id: 'call_w', name: 'get_weather', args: weather },
        { id: 'call_t', name: 'get_time', args: time },
      ],
      usage: { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 80, reasoningTokens: 48 },
      model: 'gpt-5.4-mini-2026-03-17',
    })
    const result = await adapter.generate(ask({ tools }), testContext())
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Two tools at once.' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool-call', id: 'call_w', name: 'get_weather', args: weather },
      { type: 'tool-call', id: 'call_t', name: 'get_time', args: time },
    ])
    expect(result.finishReason).toBe('tool-calls')
    expect(result.model).toBe('gpt-5.4-mini-2026-03-17')
    expect(result.usage).toEqual({
      inputTokens: 1200,
      cachedInputTokens: 1024,
      cacheWriteTokens: 0,
      outputTokens: 80,
      reasoningTokens: 48,
      totalTokens: 1280,
    })
    expect(result.costNanoUsd).toBeUndefined()
    expect(result.raw).toMatchObject({ id: 'chatcmpl-fake1', object: 'chat.completion' })
  })

  it('maps the content filter finish reason', async () => {
    server.enqueue({ text: '', finishReason: 'content-filter' })
    expect((await adapter.generate(ask(), testContext())).finishReason).toBe('content-filter')
  })
})

describe('stream', () => {
  it('yields reasoning and text deltas, the tool calls assembled from fragments, one usage part, then the finish', async () => {
    server.enqueue({
      chunks: ['Checking ', 'both.'],
      reasoning: 'Weather and time.',
      toolCalls: [
        { id: 'call_w', name: 'get_weather', args: weather },
        { id: 'call_t', name: 'get_time', args: time },
      ],
      usage: { inputTokens: 500, cachedInputTokens: 256, outputTokens: 60, reasoningTokens: 20 },
      model: 'gpt-5.4-mini-2026-03-17',
    })
    const { parts, error } = await collect(adapter.stream(ask({ tools }), testContext()))
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Weather ' },
      { type: 'reasoning-delta', text: 'and ' },
      { type: 'reasoning-delta', text: 'time.' },
      { type: 'text-delta', text: 'Checking ' },
      { type: 'text-delta', text: 'both.' },
      { type: 'tool-call', toolCall: { id: 'call_w', name: 'get_weather', args: weather } },
      { type: 'tool-call', toolCall: { id: 'call_t', name: 'get_time', args: time } },
      {
        type: 'usage',
        usage: {
          inputTokens: 500,
          cachedInputTokens: 256,
          cacheWriteTokens: 0,
          outputTokens: 60,
          reasoningTokens: 20,
          totalTokens: 560,
        },
      },
      { type: 'finish', finishReason: 'tool-calls', model: 'gpt-5.4-mini-2026-03-17' },
    ])
  })

  it('throws the typed error, a retryable ConnectionError, when the connection breaks after some text', async () => {
    server.enqueue({ chunks: ['The answer ', 'is ', '42'], breakAfterChunks: 2 })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([
      { type: 'text-delta', text: 'The answer ' },
      { type: 'text-delta', text: 'is ' },
    ])
    expect(ConnectionError.is(error)).toBe(true)
    expect(StreamInterruptedError.is(error)).toBe(false)
    expect(error).toMatchObject({ retryable: true, provider: 'openai' })
  })

  it('throws an AbortedError, not an interruption, when the caller aborts mid-stream', async () => {
    server.enqueue({ chunks: ['a ', 'b ', 'c '], chunkDelayMs: 200 })
    const controller = new AbortController()
    const parts: ProviderStreamPart[] = []
    let error: unknown
    try {
      for await (const part of adapter.stream(ask(), testContext({ signal: controller.signal }))) {
        parts.push(part)
        controller.abort()
      }
    } catch (caught) {
      error = caught
    }
    expect(parts).toEqual([{ type: 'text-delta', text: 'a ' }])
    expect(AbortedError.is(error)).toBe(true)
  })

  it('throws an AbortedError when the caller aborts after the finish reason came, before the usage', async () => {
    server.enqueue({ chunks: ['a ', 'b'], finishWithLastChunk: true })
    const controller = new AbortController()
    const parts: ProviderStreamPart[] = []
    let error: unknown
    try {
      for await (const part of adapter.stream(ask(), testContext({ signal: controller.signal }))) {
        parts.push(part)
        if (part.type === 'text-delta' && part.text === 'b') controller.abort()
      }
    } catch (caught) {
      error = caught
    }
    expect(parts).toEqual([
      { type: 'text-delta', text: 'a ' },
      { type: 'text-delta', text: 'b' },
    ])
    expect(AbortedError.is(error)).toBe(true)
  })

  it('sends nothing when the signal is already aborted', async () => {
    server.enqueue({ text: 'never sent' })
    const { parts, error } = await collect(
      adapter.stream(ask(), testContext({ signal: AbortSignal.abort() })),
    )
    expect(parts).toEqual([])
    expect(AbortedError.is(error)).toBe(true)
    expect(server.requests).toHaveLength(0)
  })
})

describe('stream chunks as other servers send them', () => {
  const chunk = (data: Record<string, unknown>): WireFrame => ({
    data: sseEvent({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, ...data }),
  })
  const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
    choices: [{ index: 0, delta, finish_reason: finish }],
  })

  async function streamFrom(frames: WireFrame[]) {
    const custom = await createFakeServer({
      name: 'chat-frames',
      routes: [
        {
          method: 'POST',
          path: '/v1/chat/completions',
          reply: () => ({ type: 'stream', contentType: 'text/event-stream', frames }),
        },
      ],
      errorBody: () => ({}),
    })
    try {
      custom.enqueue({ text: 'unused' })
      const own = openaiAdapter({ apiKey, baseURL: `${custom.url}/v1` })
      return await collect(own.stream(ask(), testContext()))
    } finally {
      await custom.close()
    }
  }

  it('keeps the model of the first chunk, the usage sent with the finish, and the finish reason, through later chunks without them', async () => {
    const { parts, error } = await streamFrom([
      chunk({ model: 'gpt-5.4-mini-2026-03-17', ...choice({ role: 'assistant', content: 'Hel' }) }),
      chunk(choice({ content: 'lo' })),
      chunk({
        model: '',
        ...choice({}, 'length'),
        usage: {
          prompt_tokens: 5,
          completion_tokens: 3,
          total_tokens: 8,
          prompt_tokens_details: { cached_tokens: 2 },
          completion_tokens_details: { reasoning_tokens: 1 },
        },
      }),
      chunk({ ...choice({}), usage: null }),
      chunk({}),
      { data: sseEvent('[DONE]') },
    ])
    expect(error).toBeUndefined()
    expect(parts).toStrictEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      {
        type: 'usage',
        usage: {
          inputTokens: 5,
          cachedInputTokens: 2,
          cacheWriteTokens: 0,
          outputTokens: 3,
          reasoningTokens: 1,
          totalTokens: 8,
        },
      },
      { type: 'finish', finishReason: 'length', model: 'gpt-5.4-mini-2026-03-17' },
    ])
  })

  it('throws a retryable ConnectionError when the stream ends without a finish reason', async () => {
    const { parts, error } = await streamFrom([
      chunk({ model: 'gpt-5.4-mini', ...choice({ content: 'Hel' }) }),
      { data: sseEvent('[DONE]') },
    ])
    expect(parts).toEqual([{ type: 'text-delta', text: 'Hel' }])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({
      message: 'openai: the stream ended before the reply was complete',
      provider: 'openai',
      model: 'gpt-5.4-mini',
      retryable: true,
    })
  })
})

describe('the usage part of a stream', () => {
  it('carries the cost a usage reader reports, and no cost field without one', async () => {
    const readUsage = (usage: ChatUsageWire) => ({
      usage: chatUsage(usage),
      ...(typeof usage.cost === 'number' ? { costNanoUsd: Math.round(usage.cost * 1e9) } : {}),
    })
    const costed = createOpenAICompatibleAdapter({
      id: 'acme',
      apiKey,
      apiKeyEnv: 'ACME_API_KEY',
      baseURL: `${server.url}/v1`,
      readUsage,
    })
    const usage = { inputTokens: 10, outputTokens: 4 }
    server.enqueue({ text: 'ok', usage, costNanoUsd: 3_500 }, { text: 'ok', usage })
    const withCost = await collect(costed.stream(ask(), testContext()))
    expect(withCost.parts.find((part) => part.type === 'usage')).toStrictEqual({
      type: 'usage',
      usage: {
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 4,
        reasoningTokens: 0,
        totalTokens: 14,
      },
      costNanoUsd: 3_500,
    })
    const without = await collect(costed.stream(ask(), testContext()))
    expect(without.parts.find((part) => part.type === 'usage')).toStrictEqual({
      type: 'usage',
      usage: {
        inputTokens: 10,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 4,
        reasoningTokens: 0,
        totalTokens: 14,
      },
    })
  })
})

describe('errors', () => {
  it('makes one attempt: the SDK’s own retries are off', async () => {
    server.enqueue({ error: { status: 500 } }, { error: { status: 429 } })
    await failure(adapter.generate(ask(), testContext()))
    await failure(adapter.generate(ask(), testContext()))
    expect(server.requests).toHaveLength(2)
  })

  it.each([
    ['retry-after-ms', { 'retry-after-ms': '1500' }, 1500],
    ['retry-after in seconds', { 'retry-after': '3' }, 3000],
    [
      'x-ratelimit-reset-requests when the requests ran out',
      {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '6m0s',
        'x-ratelimit-reset-tokens': '2s',
      },
      360_000,
    ],
    ['x-ratelimit-reset-tokens', { 'x-ratelimit-reset-tokens': '1.5s' }, 1500],
  ])('reads how long to wait on a 429 from %s', async (_kind, headers, retryAfterMs) => {
    server.enqueue({ error: { status: 429, headers } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs })
    expect(error.message).toBe('openai: 429 Rate limit reached for requests.')
  })

  it('maps an exhausted quota to a QuotaExceededError that is not retried', async () => {
    server.enqueue({ error: { status: 429, code: 'insufficient_quota' } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(QuotaExceededError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 429, retryable: false })
  })

  it('maps a prompt longer than the context window to a ContextLengthError', async () => {
    server.enqueue({
      error: {
        status: 400,
        code: 'context_length_exceeded',
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.",
      },
    })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ContextLengthError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 400, retryable: false, model: 'gpt-5.4-mini' })
  })

  it('maps an unknown model to an UnknownModelError', async () => {
    server.enqueue({
      error: {
        status: 404,
        code: 'model_not_found',
        message: 'The model `gpt-9` does not exist or you do not have access to it.',
      },
    })
    expect(UnknownModelError.is(await failure(adapter.generate(ask(), testContext())))).toBe(true)
  })

  it('keeps the key out of a 401 that echoes it', async () => {
    server.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${apiKey}.` } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error.message).not.toContain(apiKey)
    expect(error.message).toMatch(/^openai: 401 Incorrect API key provided: /)
  })

  it('maps a 403 to an AuthenticationError that is not retried', async () => {
    server.enqueue({ error: { status: 403, message: 'Project does not have access to model gpt-5.4-mini' } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 403, retryable: false })
  })

  it('maps a dropped connection to a retryable ConnectionError', async () => {
    server.enqueue({ dropConnection: true })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, provider: 'openai' })
  })

  it('maps a JSON body cut half-way to a retryable ConnectionError', async () => {
    server.enqueue({ text: 'A long answer that will not arrive whole', breakAfterChunks: 1 })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true })
  })
})

describe('aborts', () => {
  it('sends nothing when the signal is already aborted', async () => {
    server.enqueue({ text: 'never sent' })
    const error = await failure(adapter.generate(ask(), testContext({ signal: AbortSignal.abort() })))
    expect(AbortedError.is(error)).toBe(true)
    expect(server.requests).toHaveLength(0)
  })

  it('rejects with an AbortedError when the signal aborts while waiting for the answer', async () => {
    server.enqueue({ text: 'too late', delayMs: 2000 })
    const error = await failure(adapter.generate(ask(), testContext({ signal: AbortSignal.timeout(50) })))
    expect(AbortedError.is(error)).toBe(true)
  })
})

describe('models and credentials', () => {
  it('lists the models of GET /v1/models', async () => {
    expect(await adapter.listModels?.(testContext())).toEqual([{ id: 'gpt-4o-mini' }, { id: 'gpt-4o' }])
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' })
  })

  it('validates the credentials with GET /v1/models, and refuses a rejected key', async () => {
    await expect(adapter.validateCredentials?.(testContext())).resolves.toBeUndefined()
    const guarded = await createFakeServer({
      name: 'guarded',
      routes: [
        {
          method: 'GET',
          path: '/v1/models',
          reply: () => ({ type: 'json', body: { object: 'list', data: [] } }),
        },
      ],
      errorBody: openaiChatProtocol().errorBody,
    })
    try {
      guarded.enqueue({ error: { status: 401, message: 'Incorrect API key provided.' } })
      const error = await failure(
        openaiAdapter({ apiKey, baseURL: `${guarded.url}/v1` }).validateCredentials?.(
          testContext(),
        ) as Promise<void>,
      )
      expect(AuthenticationError.is(error)).toBe(true)
      expect(error).toMatchObject({ status: 401, provider: 'openai' })
    } finally {
      await guarded.close()
    }
  })
})
