import {
  AbortedError,
  ConnectionError,
  type ProviderAdapter,
  ProviderError,
  type ProviderRequest,
  type ProviderStreamPart,
  RateLimitError,
  StreamInterruptedError,
  ValidationError,
} from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  openaiResponsesProtocol,
  sseEvent,
  testContext,
  type WireFrame,
} from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openaiAdapter } from '../openai.js'

const apiKey = 'sk-test-responses-0123456789'
const weather = { city: 'Oslo', days: 2 }
const tools = [
  {
    name: 'get_weather',
    description: 'Weather by city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
]

let server: FakeServer
let adapter: ProviderAdapter
beforeEach(async () => {
  server = await createFakeServer(openaiResponsesProtocol())
  adapter = openaiAdapter({ apiKey, baseURL: `${server.url}/v1`, api: 'responses' })
})
afterEach(() => server.close())

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'gpt-5.4',
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

describe('the Responses API request', () => {
  it('carries input items, function tools, tool choice, structured output, settings and reasoning with summaries', async () => {
    server.enqueue({ text: 'Done.' })
    await adapter.generate(
      ask({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'And this?' },
              { type: 'image', image: 'https://example.com/cat.png' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'One lookup.' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool-call', id: 'call_1', name: 'get_weather', args: weather },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', result: { temp: 3 } },
            ],
          },
        ],
        tools,
        toolChoice: { type: 'tool', name: 'get_weather' },
        responseFormat: { type: 'json', schema: { type: 'object' } },
        temperature: 0.5,
        topP: 0.8,
        maxOutputTokens: 900,
        reasoning: { effort: 'high' },
        providerOptions: { openai: { store: false, include: ['reasoning.encrypted_content'] } },
      }),
      testContext(),
    )
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/responses' })
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-5.4',
      input: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'And this?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'auto' },
          ],
        },
        { role: 'assistant', content: 'Checking.' },
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Oslo","days":2}',
        },
        { type: 'function_call_output', call_id: 'call_1', output: '{"temp":3}' },
      ],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather by city',
          parameters: tools[0]?.parameters,
          strict: false,
        },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: { format: { type: 'json_schema', name: 'response', schema: { type: 'object' } } },
      temperature: 0.5,
      top_p: 0.8,
      max_output_tokens: 900,
      reasoning: { effort: 'high', summary: 'auto' },
      store: false,
      include: ['reasoning.encrypted_content'],
    })
  })

  it('refuses stop sequences and a seed, which the Responses API does not take, without sending anything', async () => {
    const error = await adapter
      .generate(ask({ stop: ['END'], seed: 3 }), testContext())
      .catch((e: unknown) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error).toMatchObject({
      issues: [
        { path: 'stop', message: 'not supported by the Responses API' },
        { path: 'seed', message: 'not supported by the Responses API' },
      ],
    })
    const streamed = await collect(adapter.stream(ask({ seed: 3 }), testContext()))
    expect(ValidationError.is(streamed.error)).toBe(true)
    expect(server.requests).toHaveLength(0)
  })
})

describe('generate', () => {
  it('returns the reasoning summary as reasoning, the text, function calls and the usage', async () => {
    server.enqueue({
      text: 'Let me look.',
      reasoning: 'The user wants weather.',
      toolCalls: [{ id: 'call_w', name: 'get_weather', args: weather }],
      usage: { inputTokens: 6000, cachedInputTokens: 5000, outputTokens: 300, reasoningTokens: 200 },
      model: 'gpt-5.4-2026-03-05',
    })
    const result = await adapter.generate(ask({ tools }), testContext())
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'The user wants weather.' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool-call', id: 'call_w', name: 'get_weather', args: weather },
    ])
    expect(result.finishReason).toBe('tool-calls')
    expect(result.model).toBe('gpt-5.4-2026-03-05')
    expect(result.usage).toEqual({
      inputTokens: 6000,
      cachedInputTokens: 5000,
      cacheWriteTokens: 0,
      outputTokens: 300,
      reasoningTokens: 200,
      totalTokens: 6300,
    })
  })

  it('reports an incomplete response cut by the output limit as length', async () => {
    server.enqueue({ text: 'Cut', finishReason: 'length' })
    expect((await adapter.generate(ask(), testContext())).finishReason).toBe('length')
  })
})

describe('stream', () => {
  it('yields reasoning summary deltas, text deltas, the function call assembled from argument deltas, one usage, the finish', async () => {
    server.enqueue({
      chunks: ['Checking ', 'now.'],
      reasoning: 'Weather lookup.',
      toolCalls: [{ id: 'call_w', name: 'get_weather', args: weather }],
      usage: { inputTokens: 900, cachedInputTokens: 512, outputTokens: 90, reasoningTokens: 64 },
    })
    const { parts, error } = await collect(adapter.stream(ask({ tools }), testContext()))
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Weather ' },
      { type: 'reasoning-delta', text: 'lookup.' },
      { type: 'text-delta', text: 'Checking ' },
      { type: 'text-delta', text: 'now.' },
      { type: 'tool-call', toolCall: { id: 'call_w', name: 'get_weather', args: weather } },
      {
        type: 'usage',
        usage: {
          inputTokens: 900,
          cachedInputTokens: 512,
          cacheWriteTokens: 0,
          outputTokens: 90,
          reasoningTokens: 64,
          totalTokens: 990,
        },
      },
      { type: 'finish', finishReason: 'tool-calls', model: 'gpt-5.4' },
    ])
    expect(server.requests[0]?.body).toMatchObject({ stream: true })
  })

  it('ends an incomplete stream with length', async () => {
    server.enqueue({ chunks: ['Cut ', 'short'], finishReason: 'length' })
    const { parts } = await collect(adapter.stream(ask(), testContext()))
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'length', model: 'gpt-5.4' })
  })

  it('maps a 429 before the stream starts to a RateLimitError thrown from the stream', async () => {
    server.enqueue({ error: { status: 429, retryAfterMs: 4000 } })
    const { parts, error } = await collect(adapter.stream(ask(), testContext()))
    expect(parts).toEqual([])
    expect(RateLimitError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryAfterMs: 4000 })
  })
})

const events = (type: string, data: Record<string, unknown>, sequence: number): WireFrame => ({
  data: sseEvent({ type, sequence_number: sequence, ...data }, { event: type }),
})
const created = events(
  'response.created',
  { response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [] } },
  0,
)
const delta = events(
  'response.output_text.delta',
  { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel', logprobs: [], obfuscation: 'x1' },
  1,
)
const completed = (sequence: number) =>
  events(
    'response.completed',
    {
      response: {
        id: 'resp_1',
        object: 'response',
        status: 'completed',
        incomplete_details: null,
        model: 'gpt-5.4-2026-03-05',
        output: [],
        usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
      },
    },
    sequence,
  )
const usage = {
  inputTokens: 7,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 3,
  reasoningTokens: 0,
  totalTokens: 10,
}

async function serverSending(frames: WireFrame[]) {
  return createFakeServer({
    name: 'responses-failing',
    routes: [
      {
        method: 'POST',
        path: '/v1/responses',
        reply: () => ({ type: 'stream', contentType: 'text/event-stream', frames }),
      },
    ],
    errorBody: () => ({}),
  })
}

async function streamFrom(frames: WireFrame[], key = apiKey) {
  const custom = await serverSending(frames)
  try {
    custom.enqueue({ text: 'unused' })
    const responses = openaiAdapter({ apiKey: key, baseURL: `${custom.url}/v1`, api: 'responses' })
    return await collect(responses.stream(ask({ tools }), testContext()))
  } finally {
    await custom.close()
  }
}

describe('stream events the fake server does not script', () => {
  it('separates the summaries of one reasoning item with a blank line', async () => {
    const at = { item_id: 'rs_1', output_index: 0 }
    const part = (summary_index: number) => ({
      ...at,
      summary_index,
      part: { type: 'summary_text', text: '' },
    })
    const { parts, error } = await streamFrom([
      created,
      events(
        'response.output_item.added',
        { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
        1,
      ),
      events('response.reasoning_summary_part.added', part(0), 2),
      events('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta: 'First.' }, 3),
      events('response.reasoning_summary_part.added', part(1), 4),
      events('response.reasoning_summary_text.delta', { ...at, summary_index: 1, delta: 'Second.' }, 5),
      completed(6),
    ])
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'First.' },
      { type: 'reasoning-delta', text: '\n\n' },
      { type: 'reasoning-delta', text: 'Second.' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop', model: 'gpt-5.4-2026-03-05' },
    ])
  })

  it('streams a refusal as text and ends it as content-filter', async () => {
    const at = { item_id: 'msg_1', output_index: 0, content_index: 0 }
    const { parts, error } = await streamFrom([
      created,
      events('response.refusal.delta', { ...at, delta: 'I can’t' }, 1),
      events('response.refusal.delta', { ...at, delta: ' help.' }, 2),
      completed(3),
    ])
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'text-delta', text: 'I can’t' },
      { type: 'text-delta', text: ' help.' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'content-filter', model: 'gpt-5.4-2026-03-05' },
    ])
  })

  it('takes the arguments of a finished call that carries none from its deltas, and ignores deltas of an item never announced', async () => {
    const call = (output_index: number, call_id: string) => ({
      output_index,
      item: { id: `fc_${output_index}`, type: 'function_call', call_id, name: 'get_weather', arguments: '' },
    })
    const argument = (output_index: number, piece: string, sequence: number) =>
      events(
        'response.function_call_arguments.delta',
        { item_id: `fc_${output_index}`, output_index, delta: piece },
        sequence,
      )
    const { parts, error } = await streamFrom([
      created,
      events('response.output_item.added', call(0, 'call_a'), 1),
      argument(0, '{"city":', 2),
      argument(0, '"Oslo"}', 3),
      events('response.output_item.done', call(0, 'call_a'), 4),
      argument(1, '{"city":"Bergen"}', 5),
      events('response.output_item.done', call(1, 'call_b'), 6),
      completed(7),
    ])
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'tool-call', toolCall: { id: 'call_a', name: 'get_weather', args: { city: 'Oslo' } } },
      { type: 'tool-call', toolCall: { id: 'call_b', name: 'get_weather', args: {} } },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'tool-calls', model: 'gpt-5.4-2026-03-05' },
    ])
  })
})

describe('failures inside a stream', () => {
  it('throws an error event after some text as the typed error, a retryable ProviderError', async () => {
    const failing = await serverSending([
      created,
      delta,
      events('error', { code: 'server_error', message: 'The server had an error', param: null }, 2),
    ])
    try {
      failing.enqueue({ text: 'unused' })
      const responses = openaiAdapter({ apiKey, baseURL: `${failing.url}/v1`, api: 'responses' })
      const { parts, error } = await collect(responses.stream(ask(), testContext()))
      expect(parts).toEqual([{ type: 'text-delta', text: 'Hel' }])
      expect(ProviderError.is(error)).toBe(true)
      expect(StreamInterruptedError.is(error)).toBe(false)
      expect(error).toMatchObject({ message: 'openai: The server had an error', retryable: true })
    } finally {
      await failing.close()
    }
  })

  it('throws a failed response as a ProviderError, retryable when the server erred', async () => {
    const failing = await serverSending([
      created,
      events(
        'response.failed',
        {
          response: {
            id: 'resp_1',
            object: 'response',
            status: 'failed',
            output: [],
            error: { code: 'server_error', message: 'The model crashed' },
          },
        },
        1,
      ),
    ])
    try {
      failing.enqueue({ text: 'unused' })
      const responses = openaiAdapter({ apiKey, baseURL: `${failing.url}/v1`, api: 'responses' })
      const { parts, error } = await collect(responses.stream(ask(), testContext()))
      expect(parts).toEqual([])
      expect(ProviderError.is(error)).toBe(true)
      expect(error).toMatchObject({ message: 'openai: The model crashed', retryable: true })
    } finally {
      await failing.close()
    }
  })

  it('throws a retryable ConnectionError when the stream ends without its completed event', async () => {
    const failing = await serverSending([created, delta])
    try {
      failing.enqueue({ text: 'unused' })
      const responses = openaiAdapter({ apiKey, baseURL: `${failing.url}/v1`, api: 'responses' })
      const { parts, error } = await collect(responses.stream(ask(), testContext()))
      expect(parts).toEqual([{ type: 'text-delta', text: 'Hel' }])
      expect(ConnectionError.is(error)).toBe(true)
      expect(error).toMatchObject({
        message: 'openai: the stream ended before the response was complete',
        retryable: true,
        provider: 'openai',
        model: 'gpt-5.4',
      })
    } finally {
      await failing.close()
    }
  })

  it('keeps the key out of a failed response whose message echoes it, whatever its shape', async () => {
    const opaqueKey = 'proxy-key-0123456789abcdef'
    const { parts, error } = await streamFrom(
      [
        created,
        events(
          'response.failed',
          {
            response: {
              id: 'resp_1',
              object: 'response',
              status: 'failed',
              output: [],
              error: { code: 'invalid_prompt', message: `Refused for key ${opaqueKey}` },
            },
          },
          1,
        ),
      ],
      opaqueKey,
    )
    expect(parts).toEqual([])
    expect(ProviderError.is(error)).toBe(true)
    expect((error as Error).message).toMatch(/^openai: Refused for key /)
    expect((error as Error).message).not.toContain(opaqueKey)
    expect(error).toMatchObject({ retryable: false })
  })
})

describe('aborts of a stream', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
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

  it('throws an AbortedError when the caller aborts as the last bytes of the stream arrive', async () => {
    const controller = new AbortController()
    const realFetch = globalThis.fetch
    // The body as the server sent it; the abort lands once all of it, the completed event too, is read.
    vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
      const response = await realFetch(...args)
      const reader = response.body?.getReader()
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(stream) {
            const read = await reader?.read()
            if (read?.value) return stream.enqueue(read.value)
            controller.abort()
            stream.close()
          },
        },
        { highWaterMark: 0 },
      )
      return new Response(body, { status: response.status, headers: response.headers })
    })
    server.enqueue({ chunks: ['Hel', 'lo'] })
    const own = openaiAdapter({ apiKey, baseURL: `${server.url}/v1`, api: 'responses' })
    const { parts, error } = await collect(own.stream(ask(), testContext({ signal: controller.signal })))
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
    ])
    expect(AbortedError.is(error)).toBe(true)
  })
})
