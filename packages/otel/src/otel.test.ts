import { createAI, type PriceEntryInput, type Tool } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { afterEach, describe, expect, it } from 'vitest'
import { parentOf, telemetry } from '../test/telemetry.js'
import { otel } from './otel.js'

const prices: PriceEntryInput[] = [
  { provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } },
  { provider: 'backup', model: 'mock-model', price: { input: 1, output: 2 } },
]
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }]

let t = telemetry()
afterEach(async () => {
  await t.shutdown()
  t = telemetry()
})

async function setup(options: Record<string, unknown> = {}) {
  const mock = mockProvider()
  const ai = await createAI({
    plugins: [mock, otel({ tracerProvider: t.tracerProvider, meterProvider: t.meterProvider })],
    defaultModel: 'mock:mock-model',
    prices,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    ...options,
  })
  return { mock, ai }
}

describe('otel: spans', () => {
  it('traces a call: a request span with usage and cost, and its attempt as a child', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'Paris.', usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 } })
    const res = await ai.chat({ messages, scope: { userId: 'u1' }, temperature: 0.2, maxOutputTokens: 50 })
    const spans = t.finished()
    expect(spans).toHaveLength(2)
    const [attempt, request] = spans as [(typeof spans)[0], (typeof spans)[0]]
    expect(request.name).toBe('chat mock-model')
    expect(request.kind).toBe(SpanKind.CLIENT)
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-model',
      'gen_ai.response.model': 'mock-model',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.response.finish_reasons': ['stop'],
      'aimux.request.id': res.requestId,
      'aimux.cost.usd': res.cost.usd,
      'aimux.cost.source': 'catalog',
      'aimux.retry.count': 0,
      'aimux.steps': 1,
      'aimux.scope.user_id': 'u1',
    })
    expect(res.cost.usd).toBeGreaterThan(0)
    expect(request.attributes['aimux.fallback.from']).toBeUndefined()
    expect(attempt.name).toBe('chat mock-model')
    expect(parentOf(attempt)).toBe(request.spanContext().spanId)
    expect(attempt.attributes).toMatchObject({
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.usage.input_tokens': 12,
      'aimux.attempt': 1,
      'aimux.step': 1,
      'aimux.stream': false,
    })
    expect(request.status.code).toBe(SpanStatusCode.UNSET)
    await ai.close()
  })

  it('nests the request under the span active where the call was made', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'Paris.' })
    const tracer = t.tracerProvider.getTracer('app')
    await tracer.startActiveSpan('handle request', async (outer) => {
      await ai.chat({ messages })
      outer.end()
    })
    const request = t.finished().find((s) => s.attributes['aimux.steps'] === 1)!
    expect(parentOf(request)).toBe(t.one('handle request').spanContext().spanId)
    await ai.close()
  })

  it('gives a retried call two attempt spans and counts the retry', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ error: { status: 503, message: 'overloaded' } }, { text: 'Paris.' })
    await ai.chat({ messages })
    const attempts = t.finished().filter((s) => s.attributes['aimux.attempt'] !== undefined)
    expect(attempts.map((s) => s.attributes['aimux.attempt'])).toEqual([1, 2])
    expect(attempts[0]?.status.code).toBe(SpanStatusCode.ERROR)
    expect(attempts[0]?.attributes['error.type']).toBe('ProviderError')
    expect(attempts[0]?.attributes['aimux.error.status']).toBe(503)
    expect(attempts[1]?.status.code).toBe(SpanStatusCode.UNSET)
    const request = t.finished().find((s) => s.attributes['aimux.steps'] !== undefined)!
    expect(request.attributes['aimux.retry.count']).toBe(1)
    for (const attempt of attempts) expect(parentOf(attempt)).toBe(request.spanContext().spanId)
    await ai.close()
  })

  it('records a fallback: from the model that failed to the one that answered', async () => {
    const primary = mockProvider()
    const backup = mockProvider({ id: 'backup' })
    const ai = await createAI({
      plugins: [primary, backup, otel({ tracerProvider: t.tracerProvider, meterProvider: t.meterProvider })],
      defaultModel: 'mock:mock-model',
      prices,
      retry: false,
      fallbacks: { 'mock:mock-model': ['backup:mock-model'] },
    })
    primary.enqueue({ error: { status: 500 } })
    backup.enqueue({ text: 'Paris.' })
    await ai.chat({ messages })
    const attempts = t.finished().filter((s) => s.attributes['aimux.attempt'] !== undefined)
    expect(attempts.map((s) => s.attributes['gen_ai.provider.name'])).toEqual(['mock', 'backup'])
    const request = t.finished().find((s) => s.attributes['aimux.steps'] !== undefined)!
    expect(request.attributes).toMatchObject({
      'aimux.fallback.from': 'mock:mock-model',
      'aimux.fallback.to': 'backup:mock-model',
      'gen_ai.provider.name': 'backup',
    })
    await ai.close()
  })

  it('marks a failed request with error.type and an error status', async () => {
    const { mock, ai } = await setup({ retry: false })
    mock.enqueue({ error: { status: 401, message: 'bad key' } })
    const error = (await ai.chat({ messages }).catch((e: unknown) => e)) as Error
    const request = t.finished().find((s) => s.attributes['aimux.attempt'] === undefined)!
    expect(request.status.code).toBe(SpanStatusCode.ERROR)
    expect(request.attributes['error.type']).toBe(error.name)
    expect(request.attributes['aimux.error.status']).toBe(401)
    await ai.close()
  })

  it('names the budget that refused a request', async () => {
    const { mock, ai } = await setup({ budgets: [{ scope: 'user', limitUsd: 0.000001, period: 'month' }] })
    mock.enqueue({ text: 'never sent' })
    await expect(ai.chat({ messages, scope: { userId: 'u1' }, maxOutputTokens: 1000 })).rejects.toThrow()
    await ai.flush()
    await new Promise((resolve) => setImmediate(resolve))
    const request = t.one('chat')
    expect(request.attributes).toMatchObject({
      'error.type': 'BudgetExceededError',
      'aimux.budget.scope': 'user',
      'aimux.budget.period': 'month',
      'aimux.scope.user_id': 'u1',
    })
    await ai.close()
  })

  it('runs tools in execute_tool spans under the request, with the tool’s own spans inside', async () => {
    const { mock, ai } = await setup()
    const appTracer = t.tracerProvider.getTracer('app')
    const lookup: Tool = {
      name: 'lookup',
      description: 'Looks a city up',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      execute: async () =>
        appTracer.startActiveSpan('database query', async (span) => {
          span.end()
          return { found: true }
        }),
    }
    mock.enqueue({ toolCalls: [{ id: 'c1', name: 'lookup', args: { city: 'Paris' } }] }, { text: 'Found.' })
    await ai.chat({ messages, tools: [lookup] })
    const request = t.finished().find((s) => s.attributes['aimux.steps'] === 2)!
    const tool = t.one('execute_tool lookup')
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup',
      'gen_ai.tool.call.id': 'c1',
    })
    expect(tool.attributes['gen_ai.tool.call.arguments']).toBeUndefined()
    expect(parentOf(tool)).toBe(request.spanContext().spanId)
    expect(parentOf(t.one('database query'))).toBe(tool.spanContext().spanId)
    const attempts = t.finished().filter((s) => s.attributes['aimux.attempt'] !== undefined)
    expect(attempts.map((s) => s.attributes['aimux.step'])).toEqual([1, 2])
    expect(attempts.every((s) => parentOf(s) === request.spanContext().spanId)).toBe(true)
    await ai.close()
  })

  it('marks a tool that failed', async () => {
    const { mock, ai } = await setup()
    const broken: Tool = {
      name: 'broken',
      description: 'Always fails',
      parameters: { type: 'object' },
      execute: async () => {
        throw new Error('disk on fire')
      },
    }
    mock.enqueue({ toolCalls: [{ id: 'c1', name: 'broken', args: {} }] }, { text: 'Sorry.' })
    await ai.chat({ messages, tools: [broken] })
    const tool = t.one('execute_tool broken')
    expect(tool.status.code).toBe(SpanStatusCode.ERROR)
    expect(tool.attributes['error.type']).toBe('tool_error')
    // The error text goes back to the model: it is content, so it is not on the span by default.
    expect(JSON.stringify(tool.status)).not.toContain('disk on fire')
    await ai.close()
  })

  it('times a stream to its first chunk and ends the attempt span when the stream ends', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['Par', 'is.'], usage: { inputTokens: 5, outputTokens: 2 } })
    let text = ''
    for await (const part of ai.stream({ messages })) if (part.type === 'text-delta') text += part.text
    expect(text).toBe('Paris.')
    const attempt = t.finished().find((s) => s.attributes['aimux.attempt'] !== undefined)!
    expect(attempt.attributes['aimux.stream']).toBe(true)
    expect(attempt.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0)
    expect(attempt.attributes['gen_ai.usage.output_tokens']).toBe(2)
    expect(attempt.attributes['gen_ai.response.finish_reasons']).toEqual(['stop'])
    const points = await t.points('gen_ai.client.operation.time_to_first_chunk')
    expect(points).toHaveLength(1)
    await ai.close()
  })

  it('ends the spans of a stream the caller leaves early', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['a', 'b', 'c'] })
    for await (const part of ai.stream({ messages })) if (part.type === 'text-delta') break
    const attempt = t.finished().find((s) => s.attributes['aimux.attempt'] !== undefined)!
    expect(attempt.attributes['aimux.stream.abandoned']).toBe(true)
    const request = t.finished().find((s) => s.attributes['aimux.attempt'] === undefined)!
    expect(request.attributes['error.type']).toBe('AbortedError')
    await ai.close()
  })
})

describe('otel: metrics', () => {
  it('records token usage, operation duration and cost', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'Paris.', usage: { inputTokens: 12, outputTokens: 3 } })
    const res = await ai.chat({ messages })
    await ai.flush()
    const tokens = await t.points('gen_ai.client.token.usage')
    const byType = Object.fromEntries(
      tokens.map((p) => [p.attributes['gen_ai.token.type'], (p.value as { sum?: number }).sum]),
    )
    expect(byType).toEqual({ input: 12, output: 3 })
    expect(tokens[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-model',
      'gen_ai.response.model': 'mock-model',
    })
    const duration = await t.points('gen_ai.client.operation.duration')
    expect((duration[0]!.value as { count: number }).count).toBe(1)
    const cost = await t.points('aimux.client.cost')
    expect(cost[0]?.value).toBeCloseTo(res.cost.usd, 12)
    await ai.close()
  })

  it('records a failed attempt’s duration with its error.type', async () => {
    const { mock, ai } = await setup({ retry: false })
    mock.enqueue({ error: { status: 500 } })
    await ai.chat({ messages }).catch(() => undefined)
    const duration = await t.points('gen_ai.client.operation.duration')
    expect(duration[0]?.attributes['error.type']).toBe('ProviderError')
    await ai.close()
  })
})

describe('otel: options', () => {
  it('refuses options of the wrong type with a ConfigError naming the field', () => {
    expect(() => otel({ captureContent: 'yes' as unknown as boolean })).toThrow(
      'Invalid otel options: captureContent: expected a boolean',
    )
  })
})
