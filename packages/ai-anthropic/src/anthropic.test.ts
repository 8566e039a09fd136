import {
  AuthenticationError,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  createAI,
  ProviderError,
  type ProviderRequest,
  type ProviderStreamPart,
  RateLimitError,
} from '@aimux/ai-core'
import { computeCost } from '@aimux/ai-core/provider-kit'
import {
  anthropicProtocol,
  createFakeServer,
  type FakeServer,
  rewriteReplies,
  testContext,
} from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type AnthropicOptions, anthropic, anthropicAdapter } from './anthropic.js'
import { anthropicPrices } from './anthropic-prices.js'

const apiKey = 'sk-ant-api03-test0123456789abcdef'
const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'claude-opus-5-5',
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
let adapter: ReturnType<typeof anthropicAdapter>
beforeEach(async () => {
  server = await createFakeServer(anthropicProtocol())
  adapter = anthropicAdapter({ apiKey, baseURL: server.url })
})
afterEach(() => server.close())

describe('anthropic requests', () => {
  it('sends the system prompt separately, the turns, images, tools and the default max_tokens', async () => {
    server.enqueue({ text: 'It is a cat.' })
    await adapter.generate(
      ask({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'system', content: 'Answer in English.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello! What can I do?' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these pictures?' },
              { type: 'image', image: 'iVBORw0KGgoAAAANSUhEUg' },
              { type: 'image', image: new Uint8Array([0xff, 0xd8, 0xff]), mediaType: 'image/jpeg' },
              { type: 'image', image: 'https://example.com/cat.webp' },
            ],
          },
        ],
        tools: [{ name: 'lookup', description: 'Look a word up', parameters: { type: 'object' } }],
        toolChoice: { type: 'tool', name: 'lookup' },
        stop: ['END'],
        temperature: 0.2,
      }),
      testContext(),
    )
    const sent = server.requests[0]
    expect(sent?.path).toBe('/v1/messages')
    expect(sent?.headers).toMatchObject({
      authorization: `Bearer ${apiKey}`,
      'anthropic-version': '2026-10-21',
    })
    expect(sent?.body).toEqual({
      model: 'claude-opus-5-5',
      max_tokens: 4096,
      system: 'Be brief.\n\nAnswer in English.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! What can I do?' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these pictures?' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg' },
            },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.webp' } },
          ],
        },
      ],
      tools: [{ name: 'lookup', description: 'Look a word up', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'lookup' },
      stop_sequences: ['END'],
      stream: false,
    })
  })

  it('merges providerOptions.anthropic into the request: cache_control passes through', async () => {
    server.enqueue({ text: 'ok' })
    await adapter.generate(
      ask({
        maxOutputTokens: 512,
        providerOptions: {
          anthropic: { cache_control: { type: 'ephemeral', ttl: '1h' }, metadata: { user_id: 'u-42' } },
          gemini: { ignored: true },
        },
      }),
      testContext(),
    )
    expect(server.requests[0]?.body).toMatchObject({
      max_tokens: 512,
      cache_control: { type: 'ephemeral', ttl: '1h' },
      metadata: { user_id: 'u-42' },
    })
    expect(server.requests[0]?.body).not.toHaveProperty('ignored')
  })

  it('asks for thinking with a budget, adaptive thinking with an effort, and JSON schema output', async () => {
    server.enqueue({ text: '{}' }, { text: '{}' })
    const schema = { type: 'object', properties: { city: { type: 'string' } } }
    await adapter.generate(ask({ reasoning: { budgetTokens: 2048 } }), testContext())
    await adapter.generate(
      ask({ reasoning: { effort: 'high' }, responseFormat: { type: 'json', schema } }),
      testContext(),
    )
    expect(server.requests[0]?.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 } })
    expect(server.requests[1]?.body).toMatchObject({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high', format: { type: 'json_schema', schema } },
    })
  })
})

describe('anthropic answers', () => {
  it('counts cache reads and writes into inputTokens and prices them at their own rates', async () => {
    server.enqueue({
      text: 'Done.',
      usage: {
        inputTokens: 3500,
        cachedInputTokens: 2000,
        cacheWriteTokens: 500,
        outputTokens: 300,
        reasoningTokens: 100,
      },
    })
    const result = await adapter.generate(ask(), testContext())
    expect((result.raw as { usage: unknown }).usage).toMatchObject({
      input_tokens: 1000,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 500,
      output_tokens: 300,
      output_tokens_details: { thinking_tokens: 100 },
    })
    expect(result.usage).toEqual({
      inputTokens: 3500,
      cachedInputTokens: 2000,
      cacheWriteTokens: 500,
      outputTokens: 300,
      reasoningTokens: 100,
      totalTokens: 3800,
    })
    const price = anthropicPrices.find((entry) => entry.model === 'claude-opus-5-5')?.price
    // 1000 x $4 + 2000 x $0.20 + 500 x $5 + 200 x $20 + 100 x $20, per million tokens
    expect(computeCost(result.usage, price)).toMatchObject({
      nanoUsd: 12_900_000,
      breakdown: {
        inputNanoUsd: 4_000_000,
        cachedInputNanoUsd: 400_000,
        cacheWriteNanoUsd: 2_500_000,
        outputNanoUsd: 4_000_000,
        reasoningNanoUsd: 2_000_000,
      },
    })
  })

  it('maps every stop reason', async () => {
    server.enqueue(
      { text: 'a', finishReason: 'stop' },
      { text: 'b', finishReason: 'length' },
      { text: 'c', finishReason: 'content-filter' },
      { text: 'd', finishReason: 'other' },
    )
    const reasons = []
    for (let i = 0; i < 4; i++) reasons.push((await adapter.generate(ask(), testContext())).finishReason)
    expect(reasons).toEqual(['stop', 'length', 'content-filter', 'other'])
  })

  it('streams one usage part merged from message_start and message_delta, before the finish', async () => {
    server.enqueue({
      chunks: ['Hel', 'lo'],
      usage: {
        inputTokens: 1200,
        cachedInputTokens: 1000,
        cacheWriteTokens: 150,
        outputTokens: 40,
        reasoningTokens: 0,
      },
      model: 'claude-opus-5-5-20261001',
    })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      {
        type: 'usage',
        usage: {
          inputTokens: 1200,
          cachedInputTokens: 1000,
          cacheWriteTokens: 150,
          outputTokens: 40,
          reasoningTokens: 0,
          totalTokens: 1240,
        },
      },
      { type: 'finish', finishReason: 'stop', model: 'claude-opus-5-5-20261001' },
    ])
  })
})

describe('anthropic thinking and tools', () => {
  it('returns thinking as reasoning with its signature and sends both back on the next turn', async () => {
    server.enqueue(
      {
        reasoning: 'The user greets me.',
        text: 'Hi!',
        toolCalls: [{ id: 'toolu_01', name: 'lookup', args: { word: 'hi' } }],
      },
      { text: 'It means hello.' },
    )
    const first = await adapter.generate(
      ask({ tools: [{ name: 'lookup', parameters: { type: 'object' } }] }),
      testContext(),
    )
    expect(first.content).toEqual([
      {
        type: 'reasoning',
        text: 'The user greets me.',
        providerMetadata: { anthropic: { signature: 'fake-signature-1' } },
      },
      { type: 'text', text: 'Hi!' },
      { type: 'tool-call', id: 'toolu_01', name: 'lookup', args: { word: 'hi' } },
    ])
    expect(first.finishReason).toBe('tool-calls')

    await adapter.generate(
      ask({
        tools: [{ name: 'lookup', parameters: { type: 'object' } }],
        messages: [
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: first.content },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'toolu_01',
                toolName: 'lookup',
                result: { meaning: 'hello' },
              },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'toolu_02', toolName: 'x', result: 'boom', isError: true },
            ],
          },
        ],
      }),
      testContext(),
    )
    expect((server.requests[1]?.body as { messages?: unknown[] } | undefined)?.messages).toEqual([
      { role: 'user', content: 'Hello' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'The user greets me.', signature: 'fake-signature-1' },
          { type: 'text', text: 'Hi!' },
          { type: 'tool_use', id: 'toolu_01', name: 'lookup', input: { word: 'hi' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"meaning":"hello"}' }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_02', content: 'boom', is_error: true }],
      },
    ])
  })

  it('streams thinking, its signature and tool input assembled from input_json_delta fragments', async () => {
    const args = { city: 'Oslo', days: [1, 2, 3], units: 'metric' }
    server.enqueue({ reasoning: 'Need the weather.', toolCalls: [{ id: 'toolu_9', name: 'weather', args }] })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(error).toBeUndefined()
    expect(parts.filter((part) => part.type === 'reasoning-delta')).toEqual([
      { type: 'reasoning-delta', text: 'Need ' },
      { type: 'reasoning-delta', text: 'the ' },
      { type: 'reasoning-delta', text: 'weather.' },
      {
        type: 'reasoning-delta',
        text: '',
        providerMetadata: { anthropic: { signature: 'fake-signature-1' } },
      },
    ])
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCall: { id: 'toolu_9', name: 'weather', args } },
    ])
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', model: 'claude-opus-5-5' })
  })

  it('keeps tool input that is not valid JSON as its raw string instead of failing the stream', async () => {
    // The fake server's protocol with the last input_json_delta fragment left out: the input is cut.
    const cut = rewriteReplies(anthropicProtocol(), (response) => {
      if (response.type !== 'stream') return response
      const fragments = response.frames.filter((frame) => frame.data.includes('input_json_delta'))
      return { ...response, frames: response.frames.filter((frame) => frame !== fragments.at(-1)) }
    })
    const broken = await createFakeServer(cut)
    const args = { city: 'Oslo', days: [1, 2, 3] }
    broken.enqueue({ toolCalls: [{ id: 'toolu_7', name: 'weather', args }] })
    const json = JSON.stringify(args)
    const sent = json.slice(0, 2 * Math.ceil(json.length / 3))
    const { parts, error } = await collect(
      anthropicAdapter({ apiKey, baseURL: broken.url }).stream(ask(), testContext()),
    )
    await broken.close()
    expect(error).toBeUndefined()
    expect(() => JSON.parse(sent)).toThrow()
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCall: { id: 'toolu_7', name: 'weather', args: sent } },
    ])
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' })
  })

  it('sends redacted thinking back as it came', async () => {
    server.enqueue({ text: 'ok' })
    await adapter.generate(
      ask({
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: [
              {
                type: 'reasoning',
                text: '',
                providerMetadata: { anthropic: { redactedData: 'EmwKAhgBEgy3va3pzix' } },
              },
              { type: 'reasoning', text: 'from another provider' },
              { type: 'text', text: 'Hello' },
            ],
          },
          { role: 'user', content: 'Go on' },
        ],
      }),
      testContext(),
    )
    expect((server.requests[0]?.body as { messages?: unknown[] } | undefined)?.messages?.[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
        { type: 'text', text: 'Hello' },
      ],
    })
  })
})

describe('anthropic errors', () => {
  it('maps 529 overloaded to a retryable ProviderError', async () => {
    server.enqueue({ error: { status: 529 } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 529, retryable: true, message: 'anthropic: 529 Overloaded' })
  })

  it('maps 429 rate_limit_error to a RateLimitError honouring retry-after', async () => {
    server.enqueue({ error: { status: 429, headers: { 'retry-after': '7' } } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7000 })
  })

  it('maps 401 and 403 to AuthenticationErrors that are not retried', async () => {
    server.enqueue(
      { error: { status: 401 } },
      { error: { status: 403, message: 'Your key cannot use this model' } },
    )
    const unauthorized = await failure(adapter.generate(ask(), testContext()))
    const forbidden = await failure(adapter.generate(ask(), testContext()))
    expect(AuthenticationError.is(unauthorized)).toBe(true)
    expect(unauthorized).toMatchObject({
      status: 401,
      retryable: false,
      message: 'anthropic: 401 invalid x-api-key',
    })
    expect(AuthenticationError.is(forbidden)).toBe(true)
    expect(forbidden).toMatchObject({ status: 403, retryable: false })
  })

  it('maps 400 invalid_request_error to a clear error, and a prompt too long to a ContextLengthError', async () => {
    server.enqueue(
      { error: { status: 400, message: 'max_tokens: 200000 > 128000, the maximum for claude-opus-5-5' } },
      { error: { status: 400, message: 'prompt is too long: 1000213 tokens > 1000000 maximum' } },
    )
    const invalid = await failure(adapter.generate(ask(), testContext()))
    const tooLong = await failure(adapter.generate(ask(), testContext()))
    expect(ProviderError.is(invalid)).toBe(true)
    expect(invalid).toMatchObject({
      status: 400,
      retryable: false,
      message: 'anthropic: 400 max_tokens: 200000 > 128000, the maximum for claude-opus-5-5',
    })
    expect(ContextLengthError.is(tooLong)).toBe(true)
  })

  it('turns an overloaded error event before any text into a retryable 529', async () => {
    server.enqueue({ finishReason: 'error' })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([])
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 529, retryable: true, message: 'anthropic: 529 Overloaded' })
  })

  it('throws the typed error of an error event after text, leaving the text to the core', async () => {
    server.enqueue({ chunks: ['Part ', 'one'], finishReason: 'error' })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Part ' },
      { type: 'text-delta', text: 'one' },
    ])
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 529, retryable: true, message: 'anthropic: 529 Overloaded' })
  })

  it('maps a dropped connection to a retryable ConnectionError', async () => {
    server.enqueue({ dropConnection: true })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true })
  })
})

describe('anthropic credentials and models', () => {
  it('reads ANTHROPIC_API_KEY at the first call and fails there with a ConfigError when it is missing', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '')
    const keyless = anthropicAdapter({ baseURL: server.url })
    const error = await failure(keyless.generate(ask(), testContext()))
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toBe(
      'anthropic: no API key. Pass apiKey to the anthropic plugin or set ANTHROPIC_API_KEY.',
    )
    expect(server.requests).toHaveLength(0)

    vi.stubEnv('ANTHROPIC_API_KEY', 'sk-ant-from-env-0123456789')
    server.enqueue({ text: 'ok' })
    await keyless.generate(ask(), testContext())
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-ant-from-env-0123456789')
    vi.unstubAllEnvs()
  })

  it('refuses wrong options with a ConfigError naming the field, before any call', () => {
    expect(() => anthropicAdapter({ baseURL: 'not a url' })).toThrow(ConfigError)
    expect(() => anthropicAdapter({ defaultMaxTokens: 0 })).toThrow(
      /^Invalid anthropic options: defaultMaxTokens: /,
    )
    expect(() => anthropic({ apiKey: 42 } as unknown as AnthropicOptions)).toThrow(
      /^Invalid anthropic options: apiKey: /,
    )
  })

  it('lets the credentials chosen for a call win over its own', async () => {
    const other = await createFakeServer(anthropicProtocol())
    other.enqueue({ text: 'from the other server' })
    const result = await adapter.generate(
      ask(),
      testContext({
        credentials: { apiKey: 'sk-ant-rotated-0123456789', baseURL: other.url, headers: { 'x-team': 'a' } },
      }),
    )
    expect(result.content).toEqual([{ type: 'text', text: 'from the other server' }])
    expect(other.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer sk-ant-rotated-0123456789',
      'x-team': 'a',
    })
    expect(server.requests).toHaveLength(0)
    await other.close()
  })

  it('lists models and validates credentials with GET /v1/models', async () => {
    expect(await adapter.listModels?.(testContext())).toEqual([
      { id: 'claude-sonnet-5', name: 'claude-sonnet-5', contextWindow: 1_000_000, maxOutputTokens: 128_000 },
      { id: 'claude-opus-5-5', name: 'claude-opus-5-5', contextWindow: 1_000_000, maxOutputTokens: 128_000 },
    ])
    await expect(adapter.validateCredentials?.(testContext())).resolves.toBeUndefined()
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /v1/models',
      'GET /v1/models',
    ])
  })

  it('prices a chat through createAI with its built-in table', async () => {
    server.enqueue({ text: 'Paris.', usage: { inputTokens: 1000, outputTokens: 100 } })
    const ai = await createAI({
      plugins: [{ name: 'anthropic', setup: (host) => host.registerProvider(adapter) }],
      defaultModel: 'anthropic:claude-sonnet-5',
    })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Capital of France?' }] })
    // 1000 x $2 + 100 x $10 per million tokens
    expect(res.cost).toMatchObject({ nanoUsd: 3_000_000, source: 'catalog' })
    await ai.close()
  })
})
