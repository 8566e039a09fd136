import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createFakeServer,
  type FakeServer,
  type LineWorker,
  openaiChatProtocol,
  startLineWorker,
} from '@aimux/ai-testing'
import { createPostgresStore } from '@aimux/store-postgres'
import pg from 'pg'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFolder } from './config-folder.js'

// Four gateway processes, as `aimux-gateway` starts them, on one PostgreSQL store (keys, budgets,
// usage) and one Redis (rate-limit windows), in front of one upstream: what one key may do holds
// across all four. Real time throughout: the processes share no clock a test could fake.

const databaseUrl = process.env.AIMUX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/aimux_test'
const redisUrl = process.env.AIMUX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const hooks = fileURLToPath(new URL('./source-hooks.ts', import.meta.url))
const ADMIN_TOKEN = 'admin-token-scale-out-0123456789'
const INSTANCES = 4
// One output token costs exactly $0.001; input is free, so a call's estimate (its whole output
// allowance, max_tokens) is what it costs when the reply uses all of it.
const OUTPUT_USD_PER_MILLION = 1000
const MAX_TOKENS = 10
const CALL_NANO_USD = 10_000_000n

const schema = `aimux_test_${randomUUID().replaceAll('-', '')}`
const prefix = `aimux-test:${randomUUID()}:`
let upstream: FakeServer
const gateways: { worker: LineWorker; url: string }[] = []

beforeAll(async () => {
  upstream = await createFakeServer(openaiChatProtocol())
  for (let i = 0; i < 400; i++)
    upstream.enqueue({ text: 'ok', usage: { inputTokens: 20, outputTokens: MAX_TOKENS } })
  const dir = configFolder(
    {
      providers: { openai: { apiKeyEnv: 'UPSTREAM_KEY', baseURL: `${upstream.url}/v1` } },
      store: { type: 'postgres', urlEnv: 'DATABASE_URL', schema },
      redis: { urlEnv: 'REDIS_URL', prefix },
      defaultModel: 'openai:gpt-4o-mini',
      retry: false,
      prices: [
        { provider: 'openai', model: 'gpt-4o-mini', price: { input: 0, output: OUTPUT_USD_PER_MILLION } },
      ],
    },
    ['@aimux/ai-openai', '@aimux/store-postgres', '@aimux/redis'],
  )
  const configPath = join(dir, 'aimux.config.json')
  const env = {
    UPSTREAM_KEY: 'sk-upstream-scale-out-0123456789',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    AIMUX_ADMIN_TOKEN: ADMIN_TOKEN,
  }
  // Started together, so that they also race to create the store's schema.
  const workers = Array.from({ length: INSTANCES }, () =>
    startLineWorker(new URL('../src/bin.ts', import.meta.url), ['--config', configPath, '--port', '0'], {
      execArgv: ['--import', hooks],
      env,
    }),
  )
  for (const worker of workers) {
    const line = await worker.nextLine()
    const url = /listening on (http:\/\/\S+)/.exec(line)?.[1]
    if (!url) throw new Error(`unexpected first line from a gateway: ${line}`)
    gateways.push({ worker, url })
  }
}, 120_000)

afterAll(async () => {
  await Promise.all(
    gateways.map(async ({ worker }) => {
      worker.child.kill('SIGTERM')
      await worker.exited
    }),
  )
  await upstream?.close()
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
  const redis = createClient({ url: redisUrl })
  await redis.connect()
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
    if (batch.length > 0) await redis.del(batch)
  redis.destroy()
}, 60_000)

async function issueKey(input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${gateways[0]!.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  expect(response.status).toBe(201)
  return (await response.json()) as { id: string; secret: string }
}

/** One chat completion through gateway `i`, as raw HTTP, so that every status and header shows. */
async function chat(i: number, secret: string) {
  const response = await fetch(`${gateways[i % INSTANCES]!.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: MAX_TOKENS,
    }),
  })
  const body = (await response.json()) as { error?: { code: string } }
  return {
    status: response.status,
    code: body.error?.code,
    retryAfter: response.headers.get('retry-after'),
    costUsd: response.headers.get('x-aimux-cost-usd'),
  }
}

/** Exact nano-USD of a decimal USD string such as "0.01". */
function nanoOf(usd: string): bigint {
  const [whole = '0', fraction = ''] = usd.split('.')
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9))
}

describe(`${INSTANCES} gateway processes on one PostgreSQL and one Redis`, () => {
  it('hold a key to 100 requests a minute together: of 160 at once, exactly 100 pass', async () => {
    const { secret } = await issueKey({ name: 'rate-limited', limits: { requestsPerMinute: 100 } })
    const results = await Promise.all(Array.from({ length: 160 }, (_, i) => chat(i, secret)))
    const passed = results.filter((r) => r.status === 200)
    const refused = results.filter((r) => r.status === 429)
    expect(passed).toHaveLength(100)
    expect(refused).toHaveLength(60)
    for (const r of refused) {
      expect(r.code).toBe('rate_limit_exceeded')
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1)
      // A minute window counts in 1 s buckets; a bucket leaves it 60 s after the bucket's end.
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(61)
    }
    // Each instance got 40 of the calls: with a window of its own, each would have let all 40
    // through. That exactly 100 passed shows the window is one, not four. (Which instance served
    // how many depends on which reached Redis first, so it is not checked.)
  }, 60_000)

  it('refuse a key revoked through one of them on every one within a second', async () => {
    const { id, secret } = await issueKey({ name: 'revoked' })
    const models = (i: number) =>
      fetch(`${gateways[i]!.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })
    // Every instance has verified the key, and trusts it for keyCacheMs.
    for (let i = 0; i < INSTANCES; i++) expect((await models(i)).status).toBe(200)

    const revoke = await fetch(`${gateways[0]!.url}/admin/keys/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(revoke.status).toBe(204)
    const revokedAt = performance.now()
    const refusedAfter: (number | undefined)[] = Array.from({ length: INSTANCES })
    while (performance.now() - revokedAt < 1000 && refusedAfter.includes(undefined)) {
      await Promise.all(
        gateways.map(async (_, i) => {
          if (refusedAfter[i] === undefined && (await models(i)).status === 401)
            refusedAfter[i] = performance.now() - revokedAt
        }),
      )
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    // The requirement itself is one second, so this bound is the test.
    for (const ms of refusedAfter) expect(ms).toBeLessThanOrEqual(1000)
    for (let i = 0; i < INSTANCES; i++) expect((await models(i)).status).toBe(401)
  }, 30_000)

  it('never pass a hard budget shared by all four, whatever the concurrency', async () => {
    // $0.055 is room for five calls of $0.01, not six.
    const limitUsd = 0.055
    const { id, secret } = await issueKey({
      name: 'budgeted',
      limits: { budgets: [{ limitUsd, period: 'total' }] },
    })
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(i, secret)))
    const passed = results.filter((r) => r.status === 200)
    const refused = results.filter((r) => r.status === 429)
    expect(passed.length + refused.length).toBe(40)
    for (const r of refused) expect(r.code).toBe('budget_exceeded')
    const charged = passed.reduce((sum, r) => sum + nanoOf(r.costUsd!), 0n)
    expect(passed.every((r) => nanoOf(r.costUsd!) === CALL_NANO_USD)).toBe(true)
    expect(charged).toBeLessThanOrEqual(55_000_000n)
    // Every estimate was exact, so all the room was used: five calls.
    expect(passed).toHaveLength(5)

    // The shared spend counter agrees once the calls have settled.
    const store = await createPostgresStore({ connectionString: databaseUrl, schema })
    try {
      const spend = await store.spend.getSpend({
        scope: 'key',
        scopeId: id,
        period: 'total',
        periodStart: '1970-01-01',
      })
      expect(spend).toEqual({ spentNanoUsd: Number(charged), reservedNanoUsd: 0 })
    } finally {
      await store.close()
    }
  }, 60_000)
})
