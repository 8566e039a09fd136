import {
  AuthenticationError,
  ConfigError,
  ConnectionError,
  ContextLengthError,
  createAI,
  createPriceCatalog,
  ProviderError,
  type ProviderRequest,
  type ProviderStreamPart,
  RateLimitError,
  UnknownModelError,
} from '@aimux/ai-core'
import { computeCost } from '@aimux/ai-core/provider-kit'
import { createFakeServer, type FakeServer, geminiProtocol, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type GeminiOptions, gemini, geminiAdapter } from './gemini.js'
import { geminiPrices } from './gemini-prices.js'

const apiKey = 'AIzaSyTest0123456789abcdefghijklmnopqrs'
const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'gemini-3.8-flash',
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

const catalog = createPriceCatalog()
catalog.add(geminiPrices, 'builtin')
const priceOf = (model: string, at = new Date('2026-11-22')) => catalog.resolve('gemini', model, at)

let server: FakeServer
let adapter: ReturnType<typeof geminiAdapter>
beforeEach(async () => {
  server = await createFakeServer(geminiProtocol())
  adapter = geminiAdapter({ apiKey, baseURL: server.url })
})
afterEach(() => server.close())

describe('gemini requests', () => {
  it('sends the systemInstruction, turns, images, function declarations and generation settings', async () => {
    server.enqueue({ text: '{"animal":"cat"}' })
    await adapter.generate(
      ask({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', image: 'data:image/webp;base64,UklGRhIAAABXRUJQ' },
              { type: 'image', image: new URL('https://example.com/cat.png'), mediaType: 'image/png' },
            ],
          },
        ],
        tools: [{ name: 'lookup', description: 'Look a word up', parameters: { type: 'object' } }],
        toolChoice: { type: 'tool', name: 'lookup' },
        temperature: 0.3,
        topP: 0.9,
        maxOutputTokens: 800,
        stop: ['END'],
        seed: 7,
        responseFormat: {
          type: 'json',
          schema: { type: 'object', properties: { animal: { type: 'string' } } },
        },
        providerOptions: {
          gemini: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] },
        },
      }),
      testContext(),
    )
    const sent = server.requests[0]
    expect(sent?.path).toBe('/v1/models/gemini-3.8-flash:generateContent')
    expect(sent?.headers['x-goog-api-key']).toBe(apiKey)
    expect(sent?.body).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        {
          role: 'user',
          parts: [
            { text: 'What is this?' },
            { inlineData: { mimeType: 'image/webp', data: 'UklGRhIAAABXRUJQ' } },
            { fileData: { fileUri: 'https://example.com/cat.png', mimeType: 'image/png' } },
          ],
        },
      ],
      systemInstruction: { role: 'user', parts: [{ text: 'Be brief.' }] },
      tools: [
        {
          functionDeclarations: [
            { name: 'lookup', description: 'Look a word up', parametersJsonSchema: { type: 'object' } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      generationConfig: {
        temperature: 0.3,
        topP: 0.9,
        maxOutputTokens: 800,
        stopSequences: ['END'],
        seed: 7,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { animal: { type: 'string' } } },
      },
    })
  })

  it('asks for thoughts with a thinking budget or a thinking level', async () => {
    server.enqueue({ text: 'a' }, { text: 'b' })
    await adapter.generate(ask({ reasoning: { budgetTokens: 4096 } }), testContext())
    await adapter.generate(ask({ reasoning: { effort: 'low' } }), testContext())
    expect(
      server.requests.map((request) => (request.body as { generationConfig: unknown }).generationConfig),
    ).toEqual([
      { thinkingConfig: { includeThoughts: true, thinkingBudget: 4096 } },
      { thinkingConfig: { includeThoughts: true, thinkingLevel: 'LOW' } },
    ])
  })
})

describe('gemini answers', () => {
  it('adds thoughtsTokenCount to candidatesTokenCount and keeps cached tokens inside the prompt count', async () => {
    server.enqueue({
      reasoning: 'Let me think.',
      text: 'Forty-two.',
      usage: { inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 500, reasoningTokens: 300 },
      model: 'gemini-3.8-flash-001',
    })
    const result = await adapter.generate(ask(), testContext())
    expect((result.raw as { usageMetadata: unknown }).usageMetadata).toMatchObject({
      promptTokenCount: 1200,
      cachedContentTokenCount: 1000,
      candidatesTokenCount: 200,
      thoughtsTokenCount: 300,
      totalTokenCount: 1700,
    })
    expect(result).toMatchObject({
      content: [
        { type: 'reasoning', text: 'Let me think.' },
        { type: 'text', text: 'Forty-two.' },
      ],
      finishReason: 'stop',
      model: 'gemini-3.8-flash-001',
      usage: {
        inputTokens: 1200,
        cachedInputTokens: 1000,
        cacheWriteTokens: 0,
        outputTokens: 500,
        reasoningTokens: 300,
        totalTokens: 1700,
      },
    })
  })

  it('keeps the last cumulative usage of a stream split by CRLF CRLF, in one usage part before the finish', async () => {
    server.enqueue({
      chunks: ['One ', 'two ', 'three'],
      usage: { inputTokens: 40, outputTokens: 25, reasoningTokens: 5 },
    })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'text-delta', text: 'One ' },
      { type: 'text-delta', text: 'two ' },
      { type: 'text-delta', text: 'three' },
      {
        type: 'usage',
        usage: {
          inputTokens: 40,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 25,
          reasoningTokens: 5,
          totalTokens: 65,
        },
      },
      { type: 'finish', finishReason: 'stop', model: 'gemini-3.8-flash' },
    ])
    expect(server.requests[0]).toMatchObject({
      path: '/v1/models/gemini-3.8-flash:streamGenerateContent',
      query: { alt: 'sse' },
    })
  })

  it('reports SAFETY, a blocked prompt and MAX_TOKENS as content-filter, content-filter and length', async () => {
    server.enqueue(
      { text: 'I will not', finishReason: 'content-filter' },
      { finishReason: 'content-filter' },
      { text: 'Cut', finishReason: 'length' },
      { text: 'Odd', finishReason: 'other' },
    )
    const reasons = []
    for (let i = 0; i < 4; i++) reasons.push((await adapter.generate(ask(), testContext())).finishReason)
    expect(reasons).toEqual(['content-filter', 'content-filter', 'length', 'other'])

    server.enqueue({ finishReason: 'content-filter' })
    const { parts } = await collect(adapter.stream(ask(), testContext()))
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'content-filter',
      model: 'gemini-3.8-flash',
    })
  })

  it('prices a prompt above 200k tokens at the long-context tier, for the whole request', () => {
    const price = priceOf('gemini-3.1-pro-preview')
    const usage = (inputTokens: number) => ({
      inputTokens,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 1000,
      reasoningTokens: 0,
      totalTokens: inputTokens + 1000,
    })
    // 200,000 x $2 + 1,000 x $12 per million tokens
    expect(computeCost(usage(200_000), price).nanoUsd).toBe(412_000_000)
    // 200,001 x $4 + 1,000 x $18 per million tokens
    expect(computeCost(usage(200_001), price).nanoUsd).toBe(818_004_000)
  })

  it('prices Gemini 3.8 Flash at its launch price until 2027 and its list price after', () => {
    const usage = {
      inputTokens: 1_000_000,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 1_000_000,
      reasoningTokens: 0,
      totalTokens: 2_000_000,
    }
    expect(computeCost(usage, priceOf('gemini-3.8-flash', new Date('2026-12-31'))).usd).toBe(4.5)
    expect(computeCost(usage, priceOf('gemini-3.8-flash', new Date('2027-01-01'))).usd).toBe(9)
  })
})

describe('gemini tool calls and thought signatures', () => {
  const tools = [{ name: 'weather', parameters: { type: 'object' } }]

  it('gives id-less function calls stable ids and keeps their thoughtSignature', async () => {
    server.enqueue({
      toolCalls: [
        {
          name: 'weather',
          args: { city: 'Oslo' },
          providerMetadata: { gemini: { thoughtSignature: 'CiQB0e2Kb7' } },
        },
        { name: 'weather', args: { city: 'Rome' } },
      ],
    })
    const result = await adapter.generate(ask({ tools }), testContext({ requestId: 'req-7', step: 2 }))
    expect(result.finishReason).toBe('tool-calls')
    expect(result.content).toEqual([
      {
        type: 'tool-call',
        id: 'gemini-call-req-7-2-1',
        name: 'weather',
        args: { city: 'Oslo' },
        providerMetadata: { gemini: { thoughtSignature: 'CiQB0e2Kb7' } },
      },
      { type: 'tool-call', id: 'gemini-call-req-7-2-2', name: 'weather', args: { city: 'Rome' } },
    ])
  })

  it('sends the thoughtSignature back with the function call, and the results as functionResponses', async () => {
    server.enqueue(
      {
        toolCalls: [
          {
            name: 'weather',
            args: { city: 'Oslo' },
            providerMetadata: { gemini: { thoughtSignature: 'CiQB0e2Kb7' } },
          },
        ],
      },
      { text: 'Sunny in Oslo.' },
    )
    const first = await adapter.generate(ask({ tools }), testContext())
    const call = first.content[0]
    if (call?.type !== 'tool-call') throw new Error('expected a tool call')
    const second = await adapter.generate(
      ask({
        tools,
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: first.content },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: call.id, toolName: 'weather', result: { sky: 'sunny' } },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'fc_9', name: 'weather', args: {} }] },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'fc_9', toolName: 'weather', result: 'down', isError: true },
            ],
          },
        ],
      }),
      testContext(),
    )
    expect(second.content).toEqual([{ type: 'text', text: 'Sunny in Oslo.' }])
    expect((server.requests[1]?.body as { contents?: unknown[] } | undefined)?.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'weather', args: { city: 'Oslo' } }, thoughtSignature: 'CiQB0e2Kb7' },
        ],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'weather', response: { output: { sky: 'sunny' } } } }],
      },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: {}, id: 'fc_9' } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'weather', response: { error: 'down' }, id: 'fc_9' } }],
      },
    ])
  })

  it('streams whole function calls with their signature and a tool-calls finish', async () => {
    server.enqueue({
      text: 'Checking.',
      toolCalls: [
        {
          name: 'weather',
          args: { city: 'Oslo' },
          providerMetadata: { gemini: { thoughtSignature: 'CiQB0e2Kb7' } },
        },
      ],
    })
    const { parts, error } = await collect(
      adapter.stream(ask({ tools }), testContext({ requestId: 'req-8' })),
    )
    expect(error).toBeUndefined()
    expect(parts.filter((part) => part.type === 'tool-call')).toEqual([
      {
        type: 'tool-call',
        toolCall: {
          id: 'gemini-call-req-8-1-1',
          name: 'weather',
          args: { city: 'Oslo' },
          providerMetadata: { gemini: { thoughtSignature: 'CiQB0e2Kb7' } },
        },
      },
    ])
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', model: 'gemini-3.8-flash' })
  })

  it('streams thoughts as reasoning deltas', async () => {
    server.enqueue({ reasoning: 'Hmm, Oslo.', text: 'Done.' })
    const { parts } = await collect(adapter.stream(ask({ reasoning: { effort: 'medium' } }), testContext()))
    expect(parts.filter((part) => part.type === 'reasoning-delta')).toEqual([
      { type: 'reasoning-delta', text: 'Hmm, ' },
      { type: 'reasoning-delta', text: 'Oslo.' },
    ])
  })
})

describe('gemini errors', () => {
  it('takes retryAfterMs from the RetryInfo retryDelay of a 429 RESOURCE_EXHAUSTED', async () => {
    server.enqueue({ error: { status: 429, retryAfterMs: 30_000 } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 30_000,
      message: 'gemini: 429 You exceeded your current quota, please check your plan and billing details.',
    })
  })

  it('maps an API_KEY_INVALID 400 to an AuthenticationError without the key', async () => {
    server.enqueue({
      error: { status: 400, code: 'API_KEY_INVALID', message: `API key not valid: ${apiKey}` },
    })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 400, retryable: false })
    expect(error.message).not.toContain(apiKey)
  })

  it('maps 503 UNAVAILABLE to a retryable ProviderError, before a stream starts too', async () => {
    server.enqueue({ error: { status: 503 } }, { error: { status: 503 } })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ProviderError.is(error)).toBe(true)
    expect(error).toMatchObject({
      status: 503,
      retryable: true,
      message: 'gemini: 503 The model is overloaded. Please try again later.',
    })
    const { parts, error: streamError } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([])
    expect(streamError).toMatchObject({ status: 503, retryable: true })
  })

  it('maps a model that does not exist and an input that is too long to their own errors', async () => {
    server.enqueue(
      {
        error: {
          status: 404,
          message:
            'models/gemini-9 is not found for API version v1, or is not supported for generateContent.',
        },
      },
      {
        error: {
          status: 400,
          message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
        },
      },
    )
    const unknown = await failure(adapter.generate(ask({ model: 'gemini-9' }), testContext()))
    const tooLong = await failure(adapter.generate(ask(), testContext()))
    expect(UnknownModelError.is(unknown)).toBe(true)
    expect(unknown).toMatchObject({ status: 404, retryable: false })
    expect(ContextLengthError.is(tooLong)).toBe(true)
    expect(tooLong).toMatchObject({ status: 400, retryable: false })
  })

  it('maps a dropped connection to a retryable ConnectionError', async () => {
    server.enqueue({ dropConnection: true })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true })
  })

  it('maps a reply cut half-way through its JSON body to a retryable ConnectionError', async () => {
    server.enqueue({ text: 'A long answer that never arrives whole', breakAfterChunks: 1 })
    const error = await failure(adapter.generate(ask(), testContext()))
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, message: 'gemini: terminated (UND_ERR_SOCKET)' })
  })

  it('throws a retryable ConnectionError from a stream cut after some text, leaving the text to the core', async () => {
    server.enqueue({ chunks: ['Once ', 'upon ', 'a time'], breakAfterChunks: 2 })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Once ' },
      { type: 'text-delta', text: 'upon ' },
    ])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true })
  })
})

describe('gemini credentials and models', () => {
  it('refuses wrong options with a ConfigError naming the field, before any call', () => {
    expect(() => geminiAdapter({ baseURL: 'not a url' })).toThrow(ConfigError)
    expect(() => geminiAdapter({ apiVersion: '' })).toThrow(/^Invalid gemini options: apiVersion: /)
    expect(() => gemini({ headers: { 'x-team': 7 } } as unknown as GeminiOptions)).toThrow(
      /^Invalid gemini options: headers\.x-team: /,
    )
  })

  it('reads GEMINI_API_KEY or GOOGLE_API_KEY at the first call, and fails there with a ConfigError without one', async () => {
    vi.stubEnv('GEMINI_API_KEY', '')
    vi.stubEnv('GOOGLE_API_KEY', '')
    const keyless = geminiAdapter({ baseURL: server.url })
    const error = await failure(keyless.generate(ask(), testContext()))
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toBe(
      'gemini: no API key. Pass apiKey to the gemini plugin or set GEMINI_API_KEY (or GOOGLE_API_KEY).',
    )
    expect(server.requests).toHaveLength(0)

    server.enqueue({ text: 'a' }, { text: 'b' })
    vi.stubEnv('GEMINI_API_KEY', 'AIzaSyFromGeminiEnv')
    await keyless.generate(ask(), testContext())
    vi.stubEnv('GEMINI_API_KEY', '')
    vi.stubEnv('GOOGLE_API_KEY', 'AIzaSyFromGoogleEnv')
    await keyless.generate(ask(), testContext())
    expect(server.requests.map((request) => request.headers['x-goog-api-key'])).toEqual([
      'AIzaSyFromGeminiEnv',
      'AIzaSyFromGoogleEnv',
    ])
    vi.unstubAllEnvs()
  })

  it('lets the credentials chosen for a call win over its own', async () => {
    const other = await createFakeServer(geminiProtocol())
    other.enqueue({ text: 'from the other server' })
    const result = await adapter.generate(
      ask(),
      testContext({ credentials: { apiKey: 'AIzaSyRotated', baseURL: other.url } }),
    )
    expect(result.content).toEqual([{ type: 'text', text: 'from the other server' }])
    expect(other.requests[0]?.headers['x-goog-api-key']).toBe('AIzaSyRotated')
    expect(server.requests).toHaveLength(0)
    await other.close()
  })

  it('lists the models that generate content and validates credentials', async () => {
    expect(await adapter.listModels?.(testContext())).toEqual([
      { id: 'gemini-3.8-flash', name: 'gemini-3.8-flash', contextWindow: 1_048_576, maxOutputTokens: 65_536 },
      {
        id: 'gemini-3.1-pro-preview',
        name: 'gemini-3.1-pro-preview',
        contextWindow: 1_048_576,
        maxOutputTokens: 65_536,
      },
    ])
    await expect(adapter.validateCredentials?.(testContext())).resolves.toBeUndefined()
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /v1/models',
      'GET /v1/models',
    ])
  })

  it('prices a chat through createAI with its built-in table', async () => {
    server.enqueue({ text: 'Paris.', usage: { inputTokens: 1000, outputTokens: 100, reasoningTokens: 40 } })
    const ai = await createAI({
      plugins: [{ name: 'gemini', setup: (host) => host.registerProvider(adapter) }],
      defaultModel: 'gemini:gemini-3.5-flash',
    })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Capital of France?' }] })
    // 1000 x $1.50 + 100 x $9 per million tokens (thinking is billed as output)
    expect(res.cost).toMatchObject({ nanoUsd: 2_400_000, source: 'catalog' })
    await ai.close()
  })
})
