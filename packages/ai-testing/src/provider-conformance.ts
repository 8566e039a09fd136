import {
  AbortedError,
  AimuxError,
  AuthenticationError,
  createAI,
  type ProviderRequest,
  RateLimitError,
  StreamInterruptedError,
  type Usage,
} from '@aimux/ai-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  collectWithin,
  expectDistinctIds,
  expectError,
  rejectionOf,
  textDeltas,
  textOf,
} from './conformance-checks.js'
import { countTokensCases } from './provider-conformance-count-tokens.js'
import { embeddingsCases } from './provider-conformance-embeddings.js'
import { finishingChunkCases } from './provider-conformance-finishing-chunk.js'
import type { ConformanceTarget, ProviderConformanceOptions } from './provider-conformance-options.js'
import { testContext } from './test-context.js'

export type { ConformanceTarget, ProviderConformanceOptions }

/**
 * The vitest suite every provider plugin passes: text, finish reasons and normalized usage;
 * streams; tool calls (with arguments streamed in fragments); typed errors for 401, 429 and 500;
 * broken streams (a typed, retryable error from the adapter, and a StreamInterruptedError with
 * the text so far from `ai.stream()` once the adapter runs inside createAI); aborts; with
 * `finishWithLastChunk`, text and tool-call pieces sent with the finish reason; with
 * `countsTokens`, the prompt counts of `countTokens`; with `embeddings`, the vectors, usage and
 * errors of `embed`. A provider
 * without a wire to fake (in-process, or an SDK that cannot be pointed at a server) gets its
 * setup from {@link scriptedTarget}.
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
  const collect = <P>(stream: AsyncIterable<P>, onPart?: (part: P) => void) =>
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

    it(
      'streams a length finish reason',
      async () => {
        target.script.enqueue({ chunks: ['This answer ', 'was cut'], finishReason: 'length' })
        const { parts, error } = await collect(
          target.provider.stream(request({ maxOutputTokens: 5 }), testContext()),
        )
        expect(error).toBeUndefined()
        expect(textDeltas(parts).join('')).toBe('This answer was cut')
        expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length' })
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

    if (options.countsTokens) {
      countTokensCases({
        target: () => target,
        request,
        toolRequest,
        source: options.countsTokens,
        tools: options.tools !== false,
      })
    }

    if (options.embeddings) embeddingsCases({ target: () => target, ...options.embeddings })

    if (options.finishWithLastChunk) {
      finishingChunkCases({
        target: () => target,
        model,
        request,
        toolRequest,
        collect,
        tools: options.tools !== false,
        testTimeoutMs,
      })
    }

    it('maps 401 to a non-retryable AuthenticationError that does not reveal the key', async () => {
      const echoed = target.apiKey
        ? `Incorrect API key provided: ${target.apiKey}.`
        : 'Incorrect API key provided.'
      target.script.enqueue({ error: { status: 401, message: echoed, code: 'invalid_api_key' } })
      const error = await rejectionOf(target.provider.generate(request(), testContext()))
      expectError(error, AuthenticationError)
      expect(error).toMatchObject({ status: 401, retryable: false })
      if (target.apiKey) expect(error.message).not.toContain(target.apiKey)
    })

    it('maps 429 with retry-after to a retryable RateLimitError with retryAfterMs', async () => {
      target.script.enqueue({
        error: { status: 429, message: 'Rate limit reached for requests', retryAfterMs: 2000 },
      })
      const error = await rejectionOf(target.provider.generate(request(), testContext()))
      expectError(error, RateLimitError)
      expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 })
    })

    it('maps 500 to a retryable error', async () => {
      target.script.enqueue({ error: { status: 500, message: 'The server had an error' } })
      const error = await rejectionOf(target.provider.generate(request(), testContext()))
      expectError(error, AimuxError)
      expect(error).toMatchObject({ status: 500, retryable: true })
    })

    it(
      'throws an error answered before a stream starts from the stream',
      async () => {
        target.script.enqueue({ error: { status: 503, message: 'Service unavailable' } })
        const { parts, error } = await collect(target.provider.stream(request(), testContext()))
        expect(parts).toEqual([])
        expectError(error, AimuxError)
        expect(error).toMatchObject({ status: 503, retryable: true })
      },
      testTimeoutMs,
    )

    // The adapter throws the typed error as it is; the core's relay, not the adapter, makes a
    // failure after the first part a StreamInterruptedError holding the text.
    it(
      'yields the chunks of a broken stream, then throws a typed, retryable error',
      async () => {
        target.script.enqueue({ chunks: ['one ', 'two ', 'three ', 'four'], breakAfterChunks: 2 })
        const { parts, error } = await collect(target.provider.stream(request(), testContext()))
        expect(textDeltas(parts)).toEqual(['one ', 'two '])
        expect(parts.some((part) => part.type === 'finish')).toBe(false)
        expectError(error, AimuxError)
        expect(error).toMatchObject({ retryable: true })
        if (target.apiKey) expect(error.message).not.toContain(target.apiKey)
      },
      testTimeoutMs,
    )

    it(
      'ends ai.stream() with a StreamInterruptedError holding the text when the stream breaks',
      async () => {
        target.script.enqueue({ chunks: ['one ', 'two ', 'three ', 'four'], breakAfterChunks: 2 })
        const { provider } = target
        const ai = await createAI({
          plugins: [{ name: `conformance:${provider.id}`, setup: (host) => host.registerProvider(provider) }],
          defaultModel: `${provider.id}:${model}`,
        })
        try {
          const stream = ai.stream({ messages: [{ role: 'user', content: 'Hello there' }] })
          const { parts, error } = await collect(stream)
          expect(textDeltas(parts)).toEqual(['one ', 'two '])
          expectError(error, StreamInterruptedError)
          expect(error).toMatchObject({ retryable: false, partialText: 'one two ', provider: provider.id })
          // The adapter's own typed error stays as the cause.
          expect(AimuxError.is((error as Error).cause)).toBe(true)
        } finally {
          await ai.close()
        }
      },
      testTimeoutMs,
    )

    it('rejects with an AbortedError when the signal is already aborted', async () => {
      target.script.enqueue({ text: 'never seen' })
      const error = await rejectionOf(
        target.provider.generate(request(), testContext({ signal: AbortSignal.abort() })),
      )
      expectError(error, AbortedError)
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
        expectError(error, AbortedError)
      },
      testTimeoutMs,
    )
  })
}
