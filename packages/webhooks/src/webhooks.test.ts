import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AI, createAI, createMemoryStore, definePlugin, type Plugin, type Store } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { postgresStore } from '@aimux/store-postgres'
import { sqliteStore } from '@aimux/store-sqlite'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../../store-postgres/test/test-database.js'
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver.js'
import { webhooks } from './webhooks.js'
import type { WebhooksOptions } from './webhooks-options.js'

const secret = 'whsec_0123456789abcdef'
const dir = mkdtempSync(join(tmpdir(), 'aimux-webhooks-'))
const schemas: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schemas)
})

const open: { ai: AI; receiver: WebhookReceiver }[] = []
afterEach(async () => {
  for (const { ai, receiver } of open.splice(0)) {
    receiver.release()
    await ai.close()
    await receiver.close()
  }
})

const stores: [string, () => Plugin | undefined][] = [
  ['memory', () => undefined],
  ['SQLite', () => sqliteStore({ path: join(dir, `${freshSchemaName()}.db`) })],
  [
    'PostgreSQL',
    () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      return postgresStore({ connectionString: testDatabaseUrl, schema })
    },
  ],
]

/** A fake clock the plugin's due times and signatures read; `advance` moves it on. */
function fakeClock() {
  let now = new Date()
  return { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) }
}

async function setUp(
  store: Plugin | undefined,
  answer: Parameters<typeof startWebhookReceiver>[1],
  options: Partial<WebhooksOptions> = {},
  events = ['error'],
) {
  const receiver = await startWebhookReceiver(secret, answer)
  const mock = mockProvider()
  const clock = fakeClock()
  const plugin = webhooks({
    endpoints: [{ id: 'ops', url: receiver.url, secret, events }],
    backoff: { baseMs: 1_000, maxMs: 1_000 },
    now: clock.now,
    ...options,
  })
  const ai = await createAI({
    plugins: [...(store ? [store] : []), mock, plugin],
    defaultModel: 'mock:mock-model',
    retry: false,
  })
  open.push({ ai, receiver })
  return { ai, mock, receiver, clock }
}

/** A call that fails with a 400: an 'error' event. */
async function failingCall(ai: AI, mock: ReturnType<typeof mockProvider>) {
  mock.enqueue({ error: { status: 400, message: 'bad request from sk-proj-abcdefghijklmnop' } })
  await expect(ai.chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
    status: 400,
  })
}

describe.each(stores)('webhooks on the %s store', (_, store) => {
  it('delivers a signed event, and after two failures the same delivery on attempt 3', async () => {
    const { ai, mock, receiver, clock } = await setUp(store(), (n) => ({ status: n <= 2 ? 500 : 200 }))
    await failingCall(ai, mock)

    await ai.webhooks.drain()
    expect(receiver.received).toHaveLength(1)
    const [pending] = await ai.webhooks.deliveries()
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' })

    // Not due yet: nothing is sent until the backoff has passed.
    await ai.webhooks.drain()
    expect(receiver.received).toHaveLength(1)
    clock.advance(1_000)
    await ai.webhooks.drain()
    clock.advance(1_000)
    await ai.webhooks.drain()

    expect(receiver.received).toHaveLength(3)
    expect(receiver.received.every((d) => d.verified)).toBe(true)
    expect(new Set(receiver.received.map((d) => d.id))).toEqual(new Set([pending!.id]))
    expect(new Set(receiver.received.map((d) => d.body)).size).toBe(1)
    const body = JSON.parse(receiver.received[2]!.body)
    expect(body).toMatchObject({
      id: pending!.id,
      type: 'error',
      data: { error: { name: 'ProviderError', code: expect.any(String), status: 400 } },
    })
    expect(receiver.received[2]!.headers).toMatchObject({
      'content-type': 'application/json',
      'aimux-webhook-id': pending!.id,
    })
    expect(receiver.received[2]!.headers['aimux-webhook-timestamp']).toBe(
      String(Math.floor(clock.now().getTime() / 1000)),
    )
    // The provider key in the error message is masked; the endpoint's secret is nowhere.
    expect(receiver.received[2]!.body).not.toContain('sk-proj-abcdefghijklmnop')
    const [delivered] = await ai.webhooks.deliveries()
    expect(delivered).toMatchObject({ id: pending!.id, status: 'delivered', attempts: 3, lastStatus: 200 })
    expect(JSON.stringify(await ai.webhooks.deliveries())).not.toContain(secret)
  })

  it('dead-letters a delivery after maxAttempts, shows it, and delivers it when retried', async () => {
    const { ai, mock, receiver, clock } = await setUp(store(), (n) => ({ status: n <= 2 ? 503 : 204 }), {
      maxAttempts: 2,
    })
    await failingCall(ai, mock)
    await ai.webhooks.drain()
    clock.advance(1_000)
    await ai.webhooks.drain()
    clock.advance(60_000)
    await ai.webhooks.drain()

    expect(receiver.received).toHaveLength(2)
    const dead = await ai.webhooks.deliveries({ status: 'dead' })
    expect(dead).toMatchObject([{ endpointId: 'ops', event: 'error', attempts: 2, lastStatus: 503 }])
    expect(await ai.webhooks.deliveries({ status: 'pending' })).toEqual([])

    expect(await ai.webhooks.retry(dead[0]!.id)).toBe(true)
    expect(await ai.webhooks.retry(dead[0]!.id)).toBe(false)
    await ai.webhooks.drain()
    expect(receiver.received).toHaveLength(3)
    expect(await ai.webhooks.deliveries({ status: 'delivered', endpoint: 'ops' })).toMatchObject([
      { id: dead[0]!.id, attempts: 1, lastStatus: 204 },
    ])
  })
})

describe('webhooks', () => {
  it('never delays a call: it resolves while the receiver still holds the delivery', async () => {
    const { ai, mock, receiver } = await setUp(
      undefined,
      (n) => (n === 1 ? 'hold' : { status: 200 }),
      { timeoutMs: 600_000 },
      ['response'],
    )
    mock.enqueue({ text: 'first' }, { text: 'second' })
    await ai.chat({ messages: [{ role: 'user', content: 'one' }] })
    await receiver.nth(1)
    const second = await ai.chat({ messages: [{ role: 'user', content: 'two' }] })

    expect(second.text).toBe('second')
    expect(receiver.held).toBe(1)
    // flush() waits for the outbox writes (background work), not for deliveries.
    await ai.flush()
    expect(receiver.held).toBe(1)
    expect((await ai.webhooks.deliveries()).map((d) => d.status)).toEqual(['pending', 'pending'])
    receiver.release()
    await ai.webhooks.drain()
    expect((await ai.webhooks.deliveries()).map((d) => d.status)).toEqual(['delivered', 'delivered'])
  })

  it('counts an attempt without an answer in time as failed', async () => {
    // The receiver holds every request; the limit is long enough for the request to reach it
    // on a loaded machine, so that it is the answer that is missing.
    const { ai, mock, receiver } = await setUp(undefined, () => 'hold', { timeoutMs: 1_000 })
    await failingCall(ai, mock)
    await ai.webhooks.drain()
    expect(receiver.received).toHaveLength(1)
    expect(await ai.webhooks.deliveries()).toMatchObject([
      { status: 'pending', attempts: 1, lastError: 'no answer within 1000 ms' },
    ])
  })

  it('honours a Retry-After on 429', async () => {
    const { ai, mock, receiver, clock } = await setUp(
      undefined,
      (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 }),
      { backoff: { baseMs: 1_000, maxMs: 3_600_000 } },
    )
    await failingCall(ai, mock)
    await ai.webhooks.drain()
    const [first] = await ai.webhooks.deliveries()
    expect(first!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(30_000)
    clock.advance(29_999)
    await ai.webhooks.drain()
    expect(receiver.received).toHaveLength(1)
    clock.advance(1)
    await ai.webhooks.drain()
    expect(receiver.received).toHaveLength(2)
  })

  it('delivers a budget threshold a real call passed, with its numbers', async () => {
    const receiver = await startWebhookReceiver(secret)
    // 1M input tokens at $1/M: $1 of a $1.25 budget, past its 0.5 threshold.
    const mock = mockProvider({
      prices: [{ provider: 'mock', model: 'mock-model', price: { input: 1, output: 0 } }],
    })
    const ai = await createAI({
      plugins: [mock, webhooks({ endpoints: [{ url: receiver.url, secret, events: ['budget:threshold'] }] })],
      defaultModel: 'mock:mock-model',
      budgets: [{ scope: 'global', limitUsd: 1.25, period: 'total', thresholds: [0.5] }],
    })
    open.push({ ai, receiver })
    mock.enqueue({ text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 0 } })
    await ai.chat({ messages: [{ role: 'user', content: 'hi' }] })
    await ai.webhooks.drain()

    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0]!.verified).toBe(true)
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      type: 'budget:threshold',
      data: { scope: 'global', threshold: 0.5, spentNanoUsd: 1_000_000_000, limitNanoUsd: 1_250_000_000 },
    })
    const [delivery] = await ai.webhooks.deliveries()
    expect(delivery).toMatchObject({
      endpointId: `${new URL(receiver.url).origin}/hooks`,
      status: 'delivered',
    })
  })

  it('sends each delivery once when two instances on one PostgreSQL database deliver at once', async () => {
    const schema = freshSchemaName()
    schemas.push(schema)
    const receiver = await startWebhookReceiver(secret)
    const instance = async () => {
      const mock = mockProvider()
      const ai = await createAI({
        plugins: [
          postgresStore({ connectionString: testDatabaseUrl, schema }),
          mock,
          webhooks({
            endpoints: [{ id: 'ops', url: receiver.url, secret, events: ['error'] }],
            batchSize: 2,
          }),
        ],
        defaultModel: 'mock:mock-model',
        retry: false,
      })
      return { ai, mock }
    }
    const a = await instance()
    const b = await instance()
    open.push({ ai: a.ai, receiver }, { ai: b.ai, receiver: { ...receiver, close: async () => {} } })
    for (let i = 0; i < 5; i++) await failingCall(a.ai, a.mock)
    for (let i = 0; i < 5; i++) await failingCall(b.ai, b.mock)
    await Promise.all([a.ai.webhooks.drain(), b.ai.webhooks.drain()])

    const ids = receiver.received.map((d) => d.id)
    expect(ids).toHaveLength(10)
    expect(new Set(ids).size).toBe(10)
    expect(await a.ai.webhooks.deliveries({ status: 'delivered' })).toHaveLength(10)
  })

  it('refuses to start on a store without a webhook outbox', async () => {
    const { webhooks: _, ...older } = createMemoryStore()
    const store = definePlugin({ name: 'older-store', setup: (host) => host.registerStore(older as Store) })
    const plugin = webhooks({ endpoints: [{ url: 'http://127.0.0.1:9/hook', secret, events: ['error'] }] })
    await expect(createAI({ plugins: [store, plugin] })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining("has no webhook outbox (the 'webhooks' port)"),
    })
  })

  it('refuses wrong options naming the field, never repeating the secret', async () => {
    const endpoint = { url: 'https://example.com/hook', secret, events: ['error'] }
    expect(() => webhooks({ endpoints: [{ ...endpoint, url: 'ftp://example.com/x' }] })).toThrow(
      /endpoints\[0\]\.url: must be an http or https URL/,
    )
    expect(() => webhooks({ endpoints: [{ ...endpoint, secret: 'short' }] })).toThrow(
      /endpoints\[0\]\.secret/,
    )
    expect(() => webhooks({ endpoints: [{ ...endpoint, events: [] }] })).toThrow(/endpoints\[0\]\.events/)
    expect(() => webhooks({ endpoints: [endpoint, endpoint] })).toThrow(/same id/)
    expect(() => webhooks({ endpoints: [endpoint], maxAttempts: 0 })).toThrow(/maxAttempts/)
    try {
      webhooks({ endpoints: [{ ...endpoint, secret: 42 as unknown as string }] })
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ name: 'ConfigError' })
      expect(String((error as Error).message)).not.toContain(secret)
    }
  })
})
