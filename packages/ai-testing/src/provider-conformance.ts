import {
  AbortedError,
  AimuxError,
  type AssistantPart,
  AuthenticationError,
  type ProviderAdapter,
  type ProviderRequest,
  type ProviderStreamPart,
  RateLimitError,
  StreamInterruptedError,
  type ToolCall,
  type Usage,
} from '@aimux/ai-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ScriptedTurn } from './scripted-turn.js'
import { testContext } from './test-context.js'

/** What the suite tests: a provider and the script that answers it. */
export interface ConformanceTarget {
  provider: ProviderAdapter
  /** Where replies are scripted: the mock provider itself, or the fake server the provider calls. */
  script: { enqueue(...turns: ScriptedTurn[]): void }
  /** The API key the provider was given; no error message may contain it. */
  apiKey?: string
  close?: () => Promise<void> | void
}

export interface ProviderConformanceOptions {
  /** Names the suite: "provider conformance: <name>". */
  name: string
  /** Called before each test for a fresh provider and script; `close` runs after it. */
  setup: () => Promise<ConformanceTarget>
  /** The model id requested. Default 'test-model'. */
  model?: string
  /** Usage details the provider's API does not report are expected as 0. Default: it reports both. */
  reports?: { cachedInputTokens?: boolean; reasoningTokens?: boolean }
  /** False for a provider that does not support tools: the tool-call tests are left out. Default true. */
  tools?: boolean
  /** How long one stream may take before the suite calls it hung. Default 3000 ms. */
  streamTimeoutMs?: number
}

interface Collected {
  parts: ProviderStreamPart[]
  error?: unknown
}

/**
 * The vitest suite every provider plugin passes: text, finish reasons and normalized usage;
 * streams; tool calls (with arguments streamed in fragments); typed errors for 401, 429 and 500;
 * broken streams; aborts.
 *
 * @example
 * providerConformance({
 *   name: 'openai',
 *   async setup() {
 *     const server = await createFakeServer(openaiChatProtocol())
 *     const provider = openaiAdapter({ apiKey: 'sk-test-key-123456', baseURL: `${server.url}/v1` })
 *     return { provider, script: server, apiKey: 'sk-test-key-123456', close: () => server.close() }
 *   },
 * })
 */
export function providerConformance(options: ProviderConformanceOptions): void {
  const model = options.model ?? 'test-model'
  const streamTimeoutMs = options.streamTimeoutMs ?? 3000
  const testTimeoutMs = streamTimeoutMs + 2000
  const reports = { cachedInputTokens: true, reasoningTokens: true, ...options.reports }
  const scriptedUsage = { inputTokens: 120, cachedInputTokens: 100, outputTokens: 30, reasoningTokens: 10 }
  const expectedUsage: Usage = {
    inputTokens: 120,
    cachedInputTokens: reports.cachedInputTokens ? 100 : 0,
    cacheWriteTokens: 0,
    outputTokens: 30,
    reasoningTokens: reports.reasoningTokens ? 10 : 0,
    totalTokens: 150,
  }
  const weather = { city: 'Paris', days: 3, units: 'metric', include: ['wind', 'rain', 'humidity'] }
  const time = { zone: 'Europe/Paris', format: '24h' }
  const request = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
    model,
    messages: [{ role: 'user', content: 'Hello there' }],
    ...overrides,
  })
  const toolRequest = () =>
    request({
      tools: [
        { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
      ],
    })
  const collect = (stream: AsyncIterable<ProviderStreamPart>, onPart?: (part: ProviderStreamPart) => void) =>
    collectWithin(stream, streamTimeoutMs, onPart)

  describe(`provider conformance: ${options.name}`, () => {
    let target: ConformanceTarget
    beforeEach(async () => {
      target = await options.setup()
    })
    afterEach(async () => {
      await target.close?.()
    })

    it('generates text with its finish reason and normalized usage', async () => {
      target.script.enqueue({ text: 'Hello! How can I help?', usage: scriptedUsage })
      const result = await target.provider.generate(request(), testContext())
      expect(textOf(result.content)).toBe('Hello! How can I help?')
      expect(result.finishReason).toBe('stop')
      expect(result.usage).toEqual(expectedUsage)
    })

    it('reports a length finish reason', async () => {
      target.script.enqueue({ text: 'This answer was cut', finishReason: 'length' })
      const result = await target.provider.generate(request({ maxOutputTokens: 5 }), testContext())
      expect(textOf(result.content)).toBe('This answer was cut')
      expect(result.finishReason).toBe('length')
    })

    it(
      'streams text deltas in order, then one usage part and a final finish',
      async () => {
        const chunks = ['Once ', 'upon ', 'a ', 'time, ', 'the end.']
        target.script.enqueue({ chunks, usage: scriptedUsage })
        const { parts, error } = await collect(target.provider.stream(request(), testContext()))
        expect(error).toBeUndefined()
        expect(textDeltas(parts)).toEqual(chunks)
        const usageParts = parts.filter((part) => part.type === 'usage')
        expect(usageParts).toHaveLength(1)
        expect(usageParts[0]?.usage).toEqual(expectedUsage)
        expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
        expect(parts.findIndex((part) => part.type === 'usage')).toBeLessThan(parts.length - 1)
      },
      testTimeoutMs,
    )

    // A provider without tool support leaves these two out (they are not skipped: they do not apply).
    if (options.tools !== false) {
      it('returns tool calls with their arguments parsed', async () => {
        target.script.enqueue({
          toolCalls: [
            { name: 'get_weather', args: weather },
            { name: 'get_time', args: time },
          ],
        })
        const result = await target.provider.generate(toolRequest(), testContext())
        const calls = result.content.filter((part) => part.type === 'tool-call')
        expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([
          { name: 'get_weather', args: weather },
          { name: 'get_time', args: time },
        ])
        expectDistinctIds(calls)
        expect(result.finishReason).toBe('tool-calls')
      })

      it(
        'streams tool calls with their arguments assembled from fragments',
        async () => {
          target.script.enqueue({
            text: 'Let me check.',
            toolCalls: [
              { name: 'get_weather', args: weather },
              { name: 'get_time', args: time },
            ],
          })
          const { parts, error } = await collect(target.provider.stream(toolRequest(), testContext()))
          expect(error).toBeUndefined()
          expect(textDeltas(parts).join('')).toBe('Let me check.')
          const calls = parts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []))
          expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([
            { name: 'get_weather', args: weather },
            { name: 'get_time', args: time },
          ])
          expectDistinctIds(calls)
          expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' })
        },
        testTimeoutMs,
      )
    }

    it('maps 401 to a non-retryable AuthenticationError that does not reveal the key', async () => {
      const echoed = target.apiKey
        ? `Incorrect API key provided: ${target.apiKey}.`
        : 'Incorrect API key provided.'
      target.script.enqueue({ error: { status: 401, message: echoed, code: 'invalid_api_key' } })
      const error = await rejectionOf(target.provider.generate(request(), testContext()))
      expect(AuthenticationError.is(error)).toBe(true)
      expect(error).toMatchObject({ status: 401, retryable: false })
      if (target.apiKey) expect(error.message).not.toContain(target.apiKey)
    })

    it('maps 429 with retry-after to a retryable RateLimitError with retryAfterMs', async () => {
      target.script.enqueue({
        error: { status: 429, message: 'Rate limit reached for requests', retryAfterMs: 2000 },
      })
      const error = await rejectionOf(target.provider.generate(request(), testContext()))
      expect(RateLimitError.is(error)).toBe(true)
      expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 })
    })

    it('maps 500 to a retryable error', async () => {
      target.script.enqueue({ error: { status: 500, message: 'The server had an error' } })
      const error = await rejectionOf(target.provider.generate(request(), testContext()))
      expect(AimuxError.is(error)).toBe(true)
      expect(error).toMatchObject({ status: 500, retryable: true })
    })

    it(
      'throws an error answered before a stream starts from the stream',
      async () => {
        target.script.enqueue({ error: { status: 503, message: 'Service unavailable' } })
        const { parts, error } = await collect(target.provider.stream(request(), testContext()))
        expect(parts).toEqual([])
        expect(AimuxError.is(error)).toBe(true)
        expect(error).toMatchObject({ status: 503, retryable: true })
      },
      testTimeoutMs,
    )

    it(
      'yields the chunks of a broken stream, then throws a StreamInterruptedError',
      async () => {
        target.script.enqueue({ chunks: ['one ', 'two ', 'three ', 'four'], breakAfterChunks: 2 })
        const { parts, error } = await collect(target.provider.stream(request(), testContext()))
        expect(textDeltas(parts)).toEqual(['one ', 'two '])
        expect(parts.some((part) => part.type === 'finish')).toBe(false)
        expect(StreamInterruptedError.is(error)).toBe(true)
        expect(error).toMatchObject({ retryable: true, partialText: 'one two ' })
      },
      testTimeoutMs,
    )

    it('rejects with an AbortedError when the signal is already aborted', async () => {
      target.script.enqueue({ text: 'never seen' })
      const error = await rejectionOf(
        target.provider.generate(request(), testContext({ signal: AbortSignal.abort() })),
      )
      expect(AbortedError.is(error)).toBe(true)
      expect(error).toMatchObject({ retryable: false })
    })

    it(
      'stops a stream with an AbortedError when the signal aborts mid-way',
      async () => {
        target.script.enqueue({ chunks: ['a ', 'b ', 'c ', 'd ', 'e ', 'f '], chunkDelayMs: 100 })
        const controller = new AbortController()
        const stream = target.provider.stream(request(), testContext({ signal: controller.signal }))
        const { parts, error } = await collect(stream, (part) => {
          if (part.type === 'text-delta') controller.abort()
        })
        expect(textDeltas(parts)).toEqual(['a '])
        expect(AbortedError.is(error)).toBe(true)
      },
      testTimeoutMs,
    )
  })
}

function textOf(content: AssistantPart[]): string {
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

function textDeltas(parts: ProviderStreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []))
}

function expectDistinctIds(calls: Pick<ToolCall, 'id'>[]) {
  for (const call of calls) expect(call.id).toMatch(/\S/)
  expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length)
}

/** The error a promise rejects with; fails when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<AimuxError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  )
  if ('resolved' in outcome)
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.resolved)}`)
  return outcome.rejected as AimuxError
}

/** Reads a stream to its end or its error; fails the test when the stream neither ends nor fails in time. */
async function collectWithin(
  stream: AsyncIterable<ProviderStreamPart>,
  timeoutMs: number,
  onPart?: (part: ProviderStreamPart) => void,
): Promise<Collected> {
  const parts: ProviderStreamPart[] = []
  const iterator = stream[Symbol.asyncIterator]()
  const deadline = Date.now() + timeoutMs
  while (true) {
    let timer: NodeJS.Timeout | undefined
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the stream neither ended nor failed within ${timeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      )
    })
    const step = await Promise.race([
      iterator.next().then(
        (next) => ({ next }),
        (error: unknown) => ({ error }),
      ),
      hung,
    ]).finally(() => clearTimeout(timer))
    if ('error' in step) return { parts, error: step.error }
    if (step.next.done) return { parts }
    parts.push(step.next.value)
    onPart?.(step.next.value)
  }
}
