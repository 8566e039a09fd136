import { type AI, ConfigError, type CreateAIOptions, createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createMetrics, usdOf } from './metrics.js'

// Metrics of an aimux instance driven through the real openai SDK against the fake OpenAI server,
// read back from the Prometheus exposition text.

const messages = [{ role: 'user' as const, content: 'Hi' }]
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close()
})

async function setup(
  options: Omit<CreateAIOptions, 'plugins'> = {},
): Promise<{ ai: AI; server: FakeServer }> {
  const server = await createFakeServer(openaiChatProtocol())
  const ai = await createAI({
    plugins: [openai({ apiKey: 'sk-test-metrics-0123456789', baseURL: `${server.url}/v1` })],
    defaultModel: 'openai:gpt-4o-mini',
    retry: false,
    ...options,
  })
  closing.push(
    () => server.close(),
    () => ai.close(),
  )
  return { ai, server }
}

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Parses the text exposition format: `name{a="x",b="y"} value` lines, comments skipped. */
function parse(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

async function scrape(metrics: ReturnType<typeof createMetrics>, ai: AI) {
  await ai.flush()
  const { contentType, body } = await metrics.handler()
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/)
  const samples = parse(body)
  /** The value of the one sample with this name and (at least) these labels; undefined if none. */
  const value = (name: string, labels: Record<string, string> = {}) => {
    const found = samples.filter(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
    if (found.length > 1)
      throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
    return found[0]?.value
  }
  return { body, samples, value }
}

const mini = { provider: 'openai', model: 'gpt-4o-mini' }

describe('createMetrics', () => {
  it('counts calls, tokens by kind and exact cost, and times calls and first tokens', async () => {
    const { ai, server } = await setup()
    const metrics = createMetrics(ai)
    server.enqueue(
      { text: 'one', usage: { inputTokens: 100, cachedInputTokens: 40, outputTokens: 20 } },
      { text: 'two', usage: { inputTokens: 50, outputTokens: 30, reasoningTokens: 10 } },
      { chunks: ['three ', 'four'], usage: { inputTokens: 7, outputTokens: 3 } },
    )
    const first = await ai.chat({ messages })
    const second = await ai.chat({ messages })
    const stream = ai.stream({ messages })
    for await (const _ of stream);
    const third = await stream.result
    const { value } = await scrape(metrics, ai)

    expect(value('aimux_requests_total', { ...mini, status: 'ok' })).toBe(3)
    expect(value('aimux_tokens_total', { ...mini, kind: 'input' })).toBe(157)
    expect(value('aimux_tokens_total', { ...mini, kind: 'output' })).toBe(53)
    expect(value('aimux_tokens_total', { ...mini, kind: 'cached' })).toBe(40)
    expect(value('aimux_tokens_total', { ...mini, kind: 'reasoning' })).toBe(10)
    const nanoUsd = [first, second, third].reduce((sum, r) => sum + BigInt(r.cost.nanoUsd), 0n)
    expect(nanoUsd).toBeGreaterThan(0n)
    expect(value('aimux_cost_usd_total', mini)).toBe(usdOf(nanoUsd))
    expect(value('aimux_request_duration_seconds_count', mini)).toBe(3)
    expect(value('aimux_request_duration_seconds_bucket', { ...mini, le: '+Inf' })).toBe(3)
    expect(value('aimux_request_duration_seconds_sum', mini)).toBeGreaterThan(0)
    // Only the stream has a first token.
    expect(value('aimux_time_to_first_token_seconds_count', mini)).toBe(1)
    expect(value('aimux_time_to_first_token_seconds_sum', mini)).toBeGreaterThan(0)
    metrics.close()
  })

  it('sums cost exactly: ten calls of $0.1 make $1, not a float sum', async () => {
    // A price of $100,000 per million input tokens: one input token costs exactly $0.1.
    const { ai, server } = await setup({
      prices: [{ provider: 'openai', model: 'gpt-4o-mini', price: { input: 100_000, output: 0 } }],
    })
    const metrics = createMetrics(ai)
    for (let i = 0; i < 10; i++) server.enqueue({ text: 'x', usage: { inputTokens: 1, outputTokens: 0 } })
    for (let i = 0; i < 10; i++) await ai.chat({ messages })
    expect(Array.from({ length: 10 }, () => 0.1).reduce((a, b) => a + b)).not.toBe(1)
    const { value } = await scrape(metrics, ai)
    expect(value('aimux_cost_usd_total', mini)).toBe(1)
    metrics.close()
  })

  it('counts failures by error code, retries, fallbacks and circuit states', async () => {
    const { ai, server } = await setup({
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      fallbacks: { 'openai:gpt-4o-mini': ['openai:gpt-4o'] },
      circuitBreaker: { minRequests: 2, failureRate: 0.5, openMs: 60_000 },
    })
    const metrics = createMetrics(ai)
    server.enqueue(
      // Retried once, then the fallback answers.
      { error: { status: 503, message: 'overloaded' } },
      { error: { status: 503, message: 'overloaded' } },
      { text: 'from the fallback' },
      // Not retried, and no fallback for this model: the request fails.
      { error: { status: 400, message: 'bad request' } },
    )
    expect((await ai.chat({ messages })).text).toBe('from the fallback')
    await expect(ai.chat({ messages, model: 'openai:gpt-4.1' })).rejects.toMatchObject({ code: 'provider' })
    const { value } = await scrape(metrics, ai)

    expect(value('aimux_retries_total', mini)).toBe(1)
    expect(value('aimux_fallbacks_total', { from: 'openai:gpt-4o-mini', to: 'openai:gpt-4o' })).toBe(1)
    expect(value('aimux_requests_total', { provider: 'openai', model: 'gpt-4o', status: 'ok' })).toBe(1)
    expect(value('aimux_requests_total', { provider: 'openai', model: 'gpt-4.1', status: 'provider' })).toBe(
      1,
    )
    // Two failed calls of two: gpt-4o-mini's circuit opened.
    expect(value('aimux_circuit_state', mini)).toBe(2)
    metrics.close()
  })

  it('counts rate-limited calls and cache lookups', async () => {
    const { ai, server } = await setup({
      rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 1 }] },
      cache: {},
    })
    const metrics = createMetrics(ai)
    server.enqueue({ text: 'cached answer' })
    const scope = { userId: 'u1' }
    await ai.chat({ messages, scope })
    await expect(ai.chat({ messages, scope: { userId: 'u1' } })).rejects.toMatchObject({ code: 'rate-limit' })
    await ai.chat({ messages, scope: { userId: 'u2' } })
    const { value } = await scrape(metrics, ai)

    expect(value('aimux_rate_limited_total', { scope: 'user', action: 'reject' })).toBe(1)
    expect(value('aimux_cache_total', { hit: 'false' })).toBe(1)
    expect(value('aimux_cache_total', { hit: 'true' })).toBe(1)
    expect(value('aimux_requests_total', { ...mini, status: 'rate-limit' })).toBe(1)
    metrics.close()
  })

  it('reports what remains of each budget for the scopes seen most recently, a bounded number', async () => {
    const { ai, server } = await setup({
      budgets: [
        { scope: 'user', limitUsd: 1, period: 'month' },
        { scope: 'global', limitUsd: 100, period: 'day' },
      ],
    })
    const metrics = createMetrics(ai, { maxBudgetScopes: 2 })
    const users = ['u1', 'u2', 'u3']
    for (const _ of users) server.enqueue({ text: 'ok', usage: { inputTokens: 1000, outputTokens: 1000 } })
    const costs: number[] = []
    for (const userId of users) costs.push((await ai.chat({ messages, scope: { userId } })).cost.nanoUsd)
    const { value, samples } = await scrape(metrics, ai)

    const remaining = samples.filter(
      (s) => s.name === 'aimux_budget_remaining_usd' && s.labels.scope === 'user',
    )
    expect(remaining.map((s) => s.labels.scope_id).sort()).toEqual(['u2', 'u3'])
    expect(value('aimux_budget_remaining_usd', { scope: 'user', scope_id: 'u3', period: 'month' })).toBe(
      usdOf(1_000_000_000n - BigInt(costs[2]!)),
    )
    const spent = costs.reduce((a, b) => a + BigInt(b), 0n)
    expect(value('aimux_budget_remaining_usd', { scope: 'global', period: 'day' })).toBe(
      usdOf(100_000_000_000n - spent),
    )
    metrics.close()
  })

  it("reports the budgets of virtual keys, as scope 'key'", async () => {
    const { ai, server } = await setup()
    const metrics = createMetrics(ai)
    const budgets = [{ limitUsd: 2, period: 'total' as const }]
    const key = {
      id: 'vk_metrics',
      hash: 'a'.repeat(64),
      prefix: 'sk-aimux-aaaa',
      scope: {},
      limits: { budgets },
      createdAt: new Date(),
    }
    await ai.store.virtualKeys.create(key)
    await ai.store.virtualKeys.create({ ...key, id: 'vk_unlimited', hash: 'b'.repeat(64), limits: {} })
    server.enqueue({ text: 'ok', usage: { inputTokens: 1000, outputTokens: 1000 } })
    const { cost } = await ai.chat({ messages, limits: { key: key.id, budgets } })
    const { value, samples } = await scrape(metrics, ai)

    expect(
      value('aimux_budget_remaining_usd', { scope: 'key', scope_id: 'vk_metrics', period: 'total' }),
    ).toBe(usdOf(2_000_000_000n - BigInt(cost.nanoUsd)))
    expect(samples.filter((s) => s.labels.scope_id === 'vk_unlimited')).toEqual([])
    metrics.close()
  })

  it('bounds model labels: past maxModels, calls count as model "other"', async () => {
    const { ai, server } = await setup()
    const metrics = createMetrics(ai, { maxModels: 1 })
    server.enqueue({ text: 'a' }, { text: 'b' }, { text: 'c' })
    await ai.chat({ messages })
    await ai.chat({ messages, model: 'openai:gpt-4o' })
    await ai.chat({ messages, model: 'openai:gpt-4.1' })
    const { value } = await scrape(metrics, ai)
    expect(value('aimux_requests_total', { ...mini, status: 'ok' })).toBe(1)
    expect(value('aimux_requests_total', { provider: 'openai', model: 'other', status: 'ok' })).toBe(2)
    metrics.close()
  })

  it("puts its metrics in the application's registry with a prefix, and takes them out on close", async () => {
    const { ai, server } = await setup()
    const registry = new Registry()
    const metrics = createMetrics(ai, { registry, prefix: 'app_ai_', processMetrics: true })
    expect(metrics.registry).toBe(registry)
    server.enqueue({ text: 'a' }, { text: 'b' })
    await ai.chat({ messages })
    const { value } = await scrape(metrics, ai)
    expect(value('app_ai_requests_total', { ...mini, status: 'ok' })).toBe(1)
    expect(value('app_ai_process_cpu_user_seconds_total')).toBeGreaterThan(0)

    metrics.close()
    expect(registry.getMetricsAsArray()).toEqual([])
    // No longer listening: a later call changes nothing.
    const again = createMetrics(ai, { registry })
    await ai.chat({ messages })
    await ai.flush()
    expect(parse(await registry.metrics()).find((s) => s.name === 'aimux_requests_total')?.value).toBe(1)
    again.close()
  })

  it('rejects wrong options with a ConfigError naming the field', async () => {
    const { ai } = await setup()
    expect(() => createMetrics(ai, { maxModels: 0 })).toThrow(ConfigError)
    expect(() => createMetrics(ai, { prefix: 'bad prefix' })).toThrow(/prefix/)
    expect(() => createMetrics(ai, { extra: true } as never)).toThrow(/extra/)
  })
})

describe('usdOf', () => {
  it('converts nano-USD exactly', () => {
    expect(usdOf(0n)).toBe(0)
    expect(usdOf(1n)).toBe(0.000000001)
    expect(usdOf(1_500_000_000n)).toBe(1.5)
    // The nearest number to the exact decimal.
    expect(usdOf(123_456_789_012_345_678n)).toBe(Number('123456789.012345678'))
  })
})
