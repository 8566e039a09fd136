import {
  AbortedError,
  type CallContext,
  ConnectionError,
  type FinishReason,
  type ProviderAdapter,
  type ProviderRequest,
  type ToolCall,
  type Usage,
} from '@aimux/ai-core'
import { errorFromStatus, parseRetryAfter } from '@aimux/ai-core/provider-kit'
import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai'
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import type { CompletionUsage } from 'openai/resources/completions'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer } from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'
import { providerConformance } from './provider-conformance.js'

const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }]
const weatherArgs = { city: 'Paris', days: 3, units: 'metric', include: ['wind', 'rain'] }

async function chunksOf(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

describe('openaiChatProtocol, read by the openai SDK', () => {
  let server: FakeServer
  let client: OpenAI
  beforeEach(async () => {
    server = await createFakeServer(openaiChatProtocol())
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
  })
  afterEach(async () => {
    await server.close()
  })

  it('answers a completion the SDK parses', async () => {
    server.enqueue({
      text: 'Sunny, 24 °C.',
      reasoning: 'Check the forecast.',
      usage: { inputTokens: 120, cachedInputTokens: 100, outputTokens: 30, reasoningTokens: 10 },
      model: 'gpt-4o-mini-2024-07-18',
    })
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages })
    expect(completion).toMatchObject({
      id: 'chatcmpl-fake1',
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: { role: 'assistant', content: 'Sunny, 24 °C.', reasoning_content: 'Check the forecast.' },
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 10 },
      },
    })
    expect(completion.created).toBeGreaterThan(1_700_000_000)
  })

  it('answers tool calls with null content and JSON arguments', async () => {
    server.enqueue({ toolCalls: [{ id: 'call_abc', name: 'get_weather', args: weatherArgs }] })
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages })
    const choice = completion.choices[0]
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(choice?.message.content).toBeNull()
    expect(choice?.message.tool_calls).toEqual([
      {
        id: 'call_abc',
        type: 'function',
        function: { name: 'get_weather', arguments: JSON.stringify(weatherArgs) },
      },
    ])
  })

  it.each([
    ['length', 'length'],
    ['content-filter', 'content_filter'],
  ] as const)('sends finish reason %s as %s', async (finishReason, wire) => {
    server.enqueue({ text: 'cut', finishReason })
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages })
    expect(completion.choices[0]?.finish_reason).toBe(wire)
  })

  it('streams role, content and tool call fragments, the finish reason, then the usage chunk', async () => {
    server.enqueue({
      chunks: ['Let ', 'me ', 'check.'],
      toolCalls: [
        { id: 'call_1', name: 'get_weather', args: weatherArgs },
        { id: 'call_2', name: 'get_time', args: { zone: 'Europe/Paris' } },
      ],
      usage: { inputTokens: 50, outputTokens: 20 },
    })
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks = await chunksOf(stream)
    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'chatcmpl-fake1'),
    ).toBe(true)
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: '' })
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta))
    expect(deltas.flatMap((delta) => (delta.content ? [delta.content] : []))).toEqual([
      'Let ',
      'me ',
      'check.',
    ])

    const toolDeltas = deltas.flatMap((delta) => delta.tool_calls ?? [])
    const first = toolDeltas.filter((delta) => delta.index === 0)
    expect(first[0]).toEqual({
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    })
    expect(first.length).toBeGreaterThan(2)
    expect(JSON.parse(first.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual(weatherArgs)
    const second = toolDeltas.filter((delta) => delta.index === 1)
    expect(second[0]?.function?.name).toBe('get_time')
    expect(JSON.parse(second.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual({
      zone: 'Europe/Paris',
    })

    const last = chunks.at(-1)
    expect(last?.choices).toEqual([])
    expect(last?.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 })
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls')
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true)
  })

  it("assembles in the SDK's own stream helper, tool calls and usage included", async () => {
    server.enqueue({
      text: 'Checking.',
      toolCalls: [{ id: 'call_9', name: 'get_weather', args: weatherArgs }],
      usage: { inputTokens: 12, outputTokens: 8 },
    })
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages,
      stream_options: { include_usage: true },
    })
    const final = await stream.finalChatCompletion()
    expect(final.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather' } }],
    })
    const call = final.choices[0]?.message.tool_calls?.[0]
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(weatherArgs)
    expect(final.choices[0]?.finish_reason).toBe('tool_calls')
    expect(final.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 })
  })

  it('streams reasoning_content deltas and leaves usage out unless asked for', async () => {
    server.enqueue({ reasoning: 'Think it through.', text: 'Done.' })
    const chunks = await chunksOf(
      await client.chat.completions.create({ model: 'grok-3-mini', messages, stream: true }),
    )
    const deltas = chunks.flatMap((chunk) =>
      chunk.choices.map((choice) => choice.delta as Record<string, unknown>),
    )
    expect(deltas.flatMap((delta) => (delta.reasoning_content ? [delta.reasoning_content] : []))).toEqual([
      'Think ',
      'it ',
      'through.',
    ])
    expect(chunks.every((chunk) => !('usage' in chunk) && chunk.choices.length === 1)).toBe(true)
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop')
  })

  it("reports OpenRouter's cost and cache writes in usage when scripted", async () => {
    server.enqueue({
      text: 'ok',
      usage: { inputTokens: 10, cacheWriteTokens: 4, outputTokens: 1 },
      costNanoUsd: 1_500,
    })
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4o', messages })
    expect(completion.usage).toMatchObject({
      cost: 0.0000015,
      prompt_tokens_details: { cache_write_tokens: 4 },
    })
  })

  it('records the request as sent: path, key, model, messages and stream options', async () => {
    server.enqueue({ text: 'hi' })
    await chunksOf(
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.2,
      }),
    )
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: {
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.2,
      },
    })
  })

  it('serves the API without the /v1 prefix too', async () => {
    server.enqueue({ text: 'no prefix' })
    const bare = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 })
    const completion = await bare.chat.completions.create({ model: 'gpt-4o', messages })
    expect(completion.choices[0]?.message.content).toBe('no prefix')
    expect(server.requests[0]?.path).toBe('/chat/completions')
  })

  it('lists models', async () => {
    const page = await client.models.list()
    expect(page.data.map((model) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4o'])
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'openai' })
  })

  it('sends a 429 the SDK turns into its RateLimitError, with status, body and retry headers', async () => {
    server.enqueue({
      error: {
        status: 429,
        message: 'Rate limit reached for gpt-4o',
        retryAfterMs: 2000,
        headers: { 'retry-after-ms': '1750' },
      },
    })
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const apiError = error as APIError
    expect(apiError.status).toBe(429)
    expect(apiError.headers?.get('retry-after')).toBe('2')
    expect(apiError.headers?.get('retry-after-ms')).toBe('1750')
    expect(apiError.error).toEqual({
      message: 'Rate limit reached for gpt-4o',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    })
    expect(parseRetryAfter(apiError.headers)).toBe(1750)
  })

  it('sends a 401 and a quota 429 in the shapes the API uses', async () => {
    server.enqueue({ error: { status: 401 } }, { error: { status: 429, code: 'insufficient_quota' } })
    const create = () =>
      client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e)
    const unauthorized = await create()
    const quota = await create()
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError)
    expect(unauthorized).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    })
    expect(quota).toBeInstanceOf(OpenAI.RateLimitError)
    expect(quota).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' })
  })

  it('answers an unknown path with a 404 the SDK reads as NotFoundError', async () => {
    const error = await client.moderations.create({ input: 'x' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as APIError).error).toMatchObject({ message: 'Unknown path: POST /v1/moderations' })
  })

  it('breaks a stream mid-way so that the SDK iteration throws after the chunks sent', async () => {
    server.enqueue({ chunks: ['one ', 'two ', 'three'], breakAfterChunks: 2 })
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true })
    const received: string[] = []
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '')
    })().catch((e: unknown) => e)
    expect(received).toEqual(['', 'one ', 'two '])
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(APIUserAbortError)
  })

  it('drops the connection so that the SDK throws APIConnectionError', async () => {
    server.enqueue({ dropConnection: true })
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(APIConnectionError)
  })
})

/**
 * The smallest adapter over the openai SDK that passes the conformance suite: it shows the suite
 * can be passed over the real wire, through the fake server, with the error helpers of @aimux/ai-core.
 */
function sdkAdapter(baseURL: string, apiKey: string): ProviderAdapter {
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 })
  const where = (request: ProviderRequest) => ({ provider: 'sdk', model: request.model })
  const typed = (error: unknown, request: ProviderRequest, ctx: CallContext) => {
    if (ctx.signal.aborted || error instanceof APIUserAbortError) {
      return new AbortedError('sdk: the call was aborted', { ...where(request), cause: error })
    }
    if (error instanceof APIError && error.status !== undefined) {
      const body = error.error as { message?: string } | undefined
      return errorFromStatus(error.status, {
        ...where(request),
        message: body?.message,
        code: error.code ?? undefined,
        type: error.type,
        retryAfterMs: parseRetryAfter(error.headers),
        secrets: [apiKey],
        cause: error,
      })
    }
    return new ConnectionError('sdk: the connection failed', { ...where(request), cause: error })
  }
  const params = (request: ProviderRequest) =>
    ({
      model: request.model,
      messages: request.messages.map((message) => ({ role: message.role, content: String(message.content) })),
      ...(request.tools
        ? { tools: request.tools.map((tool) => ({ type: 'function' as const, function: tool })) }
        : {}),
    }) as OpenAI.ChatCompletionCreateParamsNonStreaming
  const finish = (reason: string | null | undefined): FinishReason =>
    reason === 'tool_calls'
      ? 'tool-calls'
      : reason === 'length'
        ? 'length'
        : reason === 'stop'
          ? 'stop'
          : 'other'
  const usageOf = (usage: CompletionUsage | undefined | null): Usage => ({
    inputTokens: usage?.prompt_tokens ?? 0,
    cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    outputTokens: usage?.completion_tokens ?? 0,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: usage?.total_tokens ?? 0,
  })

  return {
    id: 'sdk',
    async generate(request, ctx) {
      const completion = await client.chat.completions
        .create(params(request), { signal: ctx.signal })
        .catch((error: unknown) => {
          throw typed(error, request, ctx)
        })
      const choice = completion.choices[0]
      const calls = (choice?.message.tool_calls ?? []).flatMap((call) =>
        call.type === 'function'
          ? [
              {
                type: 'tool-call' as const,
                id: call.id,
                name: call.function.name,
                args: JSON.parse(call.function.arguments),
              },
            ]
          : [],
      )
      const text = choice?.message.content ? [{ type: 'text' as const, text: choice.message.content }] : []
      return {
        content: [...text, ...calls],
        finishReason: finish(choice?.finish_reason),
        usage: usageOf(completion.usage),
      }
    },
    async *stream(request, ctx) {
      const body = { ...params(request), stream: true as const, stream_options: { include_usage: true } }
      const stream = await client.chat.completions
        .create(body, { signal: ctx.signal })
        .catch((error: unknown) => {
          throw typed(error, request, ctx)
        })
      const calls: { id: string; name: string; args: string }[] = []
      let reason: string | null | undefined
      let usage: CompletionUsage | undefined
      try {
        for await (const chunk of stream) {
          const choice = chunk.choices[0]
          if (choice?.delta.content) {
            yield { type: 'text-delta', text: choice.delta.content }
          }
          for (const delta of choice?.delta.tool_calls ?? []) {
            const call = calls[delta.index]
            if (call) call.args += delta.function?.arguments ?? ''
            else calls[delta.index] = { id: delta.id ?? '', name: delta.function?.name ?? '', args: '' }
          }
          reason = choice?.finish_reason ?? reason
          usage = chunk.usage ?? usage
        }
      } catch (error) {
        throw typed(error, request, ctx)
      }
      if (ctx.signal.aborted) throw typed(ctx.signal.reason, request, ctx)
      for (const call of calls) {
        const toolCall: ToolCall = { id: call.id, name: call.name, args: JSON.parse(call.args) }
        yield { type: 'tool-call', toolCall }
      }
      yield { type: 'usage', usage: usageOf(usage) }
      yield { type: 'finish', finishReason: finish(reason) }
    },
  }
}

providerConformance({
  name: 'a minimal openai SDK adapter against the fake OpenAI server',
  finishWithLastChunk: true,
  async setup() {
    const fake = await createFakeServer(openaiChatProtocol())
    const apiKey = 'sk-conformance-0123456789'
    return { provider: sdkAdapter(`${fake.url}/v1`, apiKey), script: fake, apiKey, close: () => fake.close() }
  },
})
