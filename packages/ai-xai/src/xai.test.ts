import {
  AuthenticationError,
  ConfigError,
  ConnectionError,
  createAI,
  createPriceCatalog,
  type ProviderStreamPart,
  RateLimitError,
  StreamInterruptedError,
} from '@aimux/ai-core'
import { computeCost } from '@aimux/ai-core/provider-kit'
import { createFakeServer, type FakeServer, testContext, xaiChatProtocol } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { xai, xaiAdapter } from './xai.js'
import { xaiPrices } from './xai-prices.js'
import { xaiUsage } from './xai-response.js'

const apiKey = 'xai-test-0123456789abcdefghij'

let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(xaiChatProtocol())
})
afterEach(() => server.close())

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (error: unknown) => error as Error,
  )
}

const ask = {
  model: 'grok-4-1-fast-reasoning',
  messages: [{ role: 'user' as const, content: 'Why is the sky blue?' }],
}

describe('xaiUsage', () => {
  it('adds reasoning reported beside completion_tokens to the output: 218 + 16 + 82 = 316', () => {
    const usage = {
      prompt_tokens: 218,
      completion_tokens: 16,
      total_tokens: 316,
      prompt_tokens_details: { text_tokens: 218, audio_tokens: 0, image_tokens: 0, cached_tokens: 192 },
      completion_tokens_details: {
        reasoning_tokens: 82,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    }
    expect(xaiUsage(usage)).toEqual({
      usage: {
        inputTokens: 218,
        cachedInputTokens: 192,
        cacheWriteTokens: 0,
        outputTokens: 98,
        reasoningTokens: 82,
        totalTokens: 316,
      },
    })
  })

  it('does not add reasoning twice when total_tokens shows it inside completion_tokens', () => {
    const usage = {
      prompt_tokens: 218,
      completion_tokens: 98,
      total_tokens: 316,
      completion_tokens_details: { reasoning_tokens: 82 },
    }
    expect(xaiUsage(usage).usage).toMatchObject({ outputTokens: 98, reasoningTokens: 82, totalTokens: 316 })
  })
})

describe('the xai adapter', () => {
  it('normalizes the usage of a reply and a stream from the xAI wire', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    const usage = { inputTokens: 218, cachedInputTokens: 192, outputTokens: 98, reasoningTokens: 82 }
    server.enqueue({ text: 'Rayleigh scattering.', usage }, { text: 'Rayleigh scattering.', usage })
    const result = await adapter.generate(ask, testContext())
    expect(server.requests[0]?.body).toMatchObject({ model: 'grok-4-1-fast-reasoning' })
    const expected = {
      inputTokens: 218,
      cachedInputTokens: 192,
      cacheWriteTokens: 0,
      outputTokens: 98,
      reasoningTokens: 82,
      totalTokens: 316,
    }
    expect(result.usage).toEqual(expected)
    const parts: ProviderStreamPart[] = []
    for await (const part of adapter.stream(ask, testContext())) parts.push(part)
    expect(parts.filter((part) => part.type === 'usage')).toEqual([{ type: 'usage', usage: expected }])
  })

  it('surfaces reasoning_content deltas as reasoning parts', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    server.enqueue({ reasoning: 'Short waves scatter more.', text: 'Blue light scatters.' })
    const parts: ProviderStreamPart[] = []
    for await (const part of adapter.stream({ ...ask, model: 'grok-3-mini' }, testContext())) parts.push(part)
    expect(parts.slice(0, 5)).toEqual([
      { type: 'reasoning-delta', text: 'Short ' },
      { type: 'reasoning-delta', text: 'waves ' },
      { type: 'reasoning-delta', text: 'scatter ' },
      { type: 'reasoning-delta', text: 'more.' },
      { type: 'text-delta', text: 'Blue ' },
    ])
  })

  it('sends the output limit as max_completion_tokens and the reasoning effort as reasoning_effort', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    server.enqueue({ text: 'ok' })
    await adapter.generate(
      {
        ...ask,
        model: 'grok-3-mini',
        maxOutputTokens: 2000,
        reasoning: { effort: 'high' },
        providerOptions: { xai: { search_parameters: { mode: 'off' } } },
      },
      testContext(),
    )
    expect(server.requests[0]?.body).toMatchObject({
      max_completion_tokens: 2000,
      reasoning_effort: 'high',
      search_parameters: { mode: 'off' },
    })
  })

  it('maps xAI’s 400 for a wrong key, with its message as a bare string, to an AuthenticationError without the key', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    server.enqueue({
      error: {
        status: 400,
        code: 'Client specified an invalid argument',
        message: `Incorrect API key provided: ${apiKey}. You can obtain an API key from https://console.x.ai.`,
      },
    })
    const error = await failure(adapter.generate(ask, testContext()))
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error).toMatchObject({ status: 400, retryable: false, provider: 'xai' })
    expect(error.message).not.toContain(apiKey)
    expect(error.message).toMatch(/^xai: 400 Incorrect API key provided: .*console\.x\.ai\.$/)
  })

  it('maps a 429 with xAI’s error body to a RateLimitError with retryAfterMs', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    server.enqueue({ error: { status: 429, message: 'Too many requests', retryAfterMs: 5000 } })
    const error = await failure(adapter.generate(ask, testContext()))
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryAfterMs: 5000, message: 'xai: 429 Too many requests' })
  })

  it('throws the typed error when a stream breaks; ai.stream makes it a StreamInterruptedError with the text', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    server.enqueue({ chunks: ['Short ', 'waves ', 'scatter.'], breakAfterChunks: 2 })
    const parts: ProviderStreamPart[] = []
    const error = await (async () => {
      for await (const part of adapter.stream(ask, testContext())) parts.push(part)
    })().catch((caught: unknown) => caught)
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Short ' },
      { type: 'text-delta', text: 'waves ' },
    ])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, provider: 'xai' })

    const ai = await createAI({
      plugins: [xai({ apiKey, baseURL: `${server.url}/v1` })],
      defaultModel: 'xai:grok-4-1-fast-reasoning',
    })
    try {
      server.enqueue({ chunks: ['Short ', 'waves ', 'scatter.'], breakAfterChunks: 2 })
      const interrupted = await (async () => {
        for await (const _part of ai.stream({ messages: ask.messages })) {
          // read to the end
        }
      })().catch((caught: unknown) => caught)
      expect(StreamInterruptedError.is(interrupted)).toBe(true)
      expect(interrupted).toMatchObject({ partialText: 'Short waves ' })
      expect(ConnectionError.is((interrupted as Error).cause)).toBe(true)
    } finally {
      await ai.close()
    }
  })

  describe('its key', () => {
    const saved = { key: process.env.XAI_API_KEY, org: process.env.OPENAI_ORG_ID }
    afterEach(() => {
      for (const [name, value] of [
        ['XAI_API_KEY', saved.key],
        ['OPENAI_ORG_ID', saved.org],
      ] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    })

    it('comes from XAI_API_KEY, and no OpenAI organization leaks into the request', async () => {
      process.env.XAI_API_KEY = 'xai-from-env-0123456789'
      process.env.OPENAI_ORG_ID = 'org-should-not-leak'
      server.enqueue({ text: 'ok' })
      await xaiAdapter({ baseURL: `${server.url}/v1` }).generate(ask, testContext())
      expect(server.requests[0]?.headers.authorization).toBe('Bearer xai-from-env-0123456789')
      expect(server.requests[0]?.headers['openai-organization']).toBeUndefined()
    })

    it('is missing: a ConfigError naming XAI_API_KEY at the first call', async () => {
      delete process.env.XAI_API_KEY
      const adapter = xaiAdapter({ baseURL: `${server.url}/v1` })
      const error = await failure(adapter.generate(ask, testContext()))
      expect(ConfigError.is(error)).toBe(true)
      expect(error.message).toBe('xai: no API key. Pass apiKey to the xai plugin or set XAI_API_KEY.')
    })
  })

  it('lists the models of GET /v1/models and validates the key with the same call', async () => {
    const adapter = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    expect(await adapter.listModels?.(testContext())).toEqual([
      { id: 'grok-4-1-fast-reasoning' },
      { id: 'grok-4.20-0309-reasoning' },
    ])
    await expect(adapter.validateCredentials?.(testContext())).resolves.toBeUndefined()
    expect(
      server.requests.map((request) => [request.method, request.path, request.headers.authorization]),
    ).toEqual([
      ['GET', '/v1/models', `Bearer ${apiKey}`],
      ['GET', '/v1/models', `Bearer ${apiKey}`],
    ])
  })
})

describe('the options', () => {
  it('are checked when the adapter is made', () => {
    expect(() => xaiAdapter({ baseURL: 'api.x.ai' })).toThrowError(/^Invalid xai options: baseURL: /)
  })
})

describe('xaiPrices', () => {
  it('price a reasoning reply with reasoning billed as output', () => {
    const catalog = createPriceCatalog()
    catalog.add(xaiPrices, 'builtin')
    const usage = xaiUsage({
      prompt_tokens: 218,
      completion_tokens: 16,
      total_tokens: 316,
      prompt_tokens_details: { cached_tokens: 192 },
      completion_tokens_details: { reasoning_tokens: 82 },
    }).usage
    // 26 uncached x $0.20 + 192 cached x $0.05 + 98 output x $0.50, per million tokens
    expect(computeCost(usage, catalog.resolve('xai', 'grok-4-1-fast-reasoning')).nanoUsd).toBe(
      26 * 200 + 192 * 50 + 98 * 500,
    )
  })
})
