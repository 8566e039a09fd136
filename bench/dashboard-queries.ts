// Scenario: the dashboard's usage queries over 1,000,000 usage records spread over 30 days, in a
// SQLite file and in a PostgreSQL schema, each query's median and p95 time over repeated runs,
// then whole dashboard pages rendered by the gateway's app over the same records.
// `node bench/dashboard-queries.ts [records]` runs it alone and prints the rows.
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAI, type Store, type UsageQuery, type UsageRecord } from '@aimux/ai-core'
import { createGateway } from '@aimux/gateway'
import { createPostgresStore } from '@aimux/store-postgres'
import { createSqliteStore } from '@aimux/store-sqlite'
import { Pool } from 'pg'
import { goal, median, percentile, type Row, round } from './measure.ts'
import { postgresURL } from './store-throughput.ts'
import { sqlitePath } from './subjects.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/**
 * The end of the seeded month, the time the bench starts; every query ends here. The gateway's
 * dashboard asks at the real time, so the records end at it too: a page renders them all.
 */
const now = new Date(Math.floor(Date.now() / 60_000) * 60_000)
const goalMs = 300

const models = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'o3-mini'],
  ['anthropic', 'claude-3-5-haiku-latest'],
  ['anthropic', 'claude-sonnet-4'],
  ['gemini', 'gemini-2.0-flash'],
  ['gemini', 'gemini-2.5-pro'],
  ['openai', 'gpt-4.1'],
] as const

/** A small seeded generator (mulberry32), so every run seeds the same records. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `count` records over the 30 days before `now`: 8 models of 3 providers, 500 users in 20
 * tenants, 5 projects, 3% failures, latencies from 50 ms with a long tail.
 */
export function* records(count: number, batch: number): Generator<UsageRecord[]> {
  const next = random(17)
  const span = 30 * DAY
  for (let start = 0; start < count; start += batch) {
    const out: UsageRecord[] = []
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const [provider, model] = models[Math.floor(next() * next() * models.length)]!
      const user = Math.floor(next() * 500)
      const input = 50 + Math.floor(next() * 2_000)
      const output = Math.floor(next() * 800)
      out.push({
        requestId: `r${i}`,
        createdAt: new Date(now.getTime() - span + Math.floor((i / count) * span)),
        tenantId: `t${user % 20}`,
        userId: `u${user}`,
        projectId: `p${user % 5}`,
        provider,
        model,
        inputTokens: input,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: output,
        reasoningTokens: 0,
        totalTokens: input + output,
        costNanoUsd: input * 150 + output * 600,
        costSource: 'catalog',
        operation: 'chat',
        latencyMs: round(50 + 400 * next() + (next() < 0.05 ? 5_000 * next() : 0), 3),
        success: next() >= 0.03,
        stream: next() < 0.5,
        steps: 1,
      })
    }
    yield out
  }
}

const days = (n: number) => new Date(now.getTime() - n * DAY)

/**
 * The queries behind the dashboard's overview, as it asks them at `now`; the last, with exact
 * percentiles over the month, is there for comparison and has no goal.
 */
const queries: [name: string, query: UsageQuery, goal: boolean][] = [
  [
    'cost per day by model, 30 d',
    { from: days(30), to: now, groupBy: ['day', 'model'], percentiles: false },
    true,
  ],
  ['requests, errors, exact p50/95/99 by hour, 24 h', { from: days(1), to: now, groupBy: 'hour' }, true],
  [
    'requests, errors, approximate p50/95/99 by day, 7 d',
    { from: days(7), to: now, groupBy: 'day', percentiles: 'approximate' },
    true,
  ],
  [
    'requests, errors, approximate p50/95/99 by day, 30 d',
    { from: days(30), to: now, groupBy: 'day', percentiles: 'approximate' },
    true,
  ],
  [
    'top 10 users by cost, 30 d',
    { from: days(30), to: now, groupBy: 'user', orderBy: 'cost', limit: 10, percentiles: false },
    true,
  ],
  [
    'top 10 tenants by cost, 30 d',
    { from: days(30), to: now, groupBy: 'tenant', orderBy: 'cost', limit: 10, percentiles: false },
    true,
  ],
  ['total with approximate p50/95/99, 30 d', { from: days(30), to: now, percentiles: 'approximate' }, true],
  ['requests, errors, exact p50/95/99 by day, 30 d', { from: days(30), to: now, groupBy: 'day' }, false],
]

async function seed(store: Store, count: number): Promise<number> {
  const t0 = performance.now()
  for (const batch of records(count, 10_000)) await store.usage.recordUsage(batch)
  return (performance.now() - t0) / 1000
}

async function measure(subject: string, store: Store, count: number, runs: number): Promise<Row[]> {
  const rows: Row[] = []
  for (const [name, query, hasGoal] of queries) {
    await store.usage.queryUsage(query)
    const times: number[] = []
    let groups = 0
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      groups = (await store.usage.queryUsage(query)).length
      times.push(performance.now() - t0)
    }
    const p95 = percentile(times, 95)
    rows.push({
      scenario: `dashboard queries, ${count.toLocaleString('en')} usage records`,
      subject: `${subject}: ${name}`,
      numbers: { rows: groups, 'median ms': round(median(times), 1), 'p95 ms': round(p95, 1) },
      ...(hasGoal ? goal(`p95 < ${goalMs} ms`, p95 < goalMs) : {}),
    })
  }
  return rows
}

const adminToken = 'bench-admin-token-0123456789abcdef'
const origin = 'http://localhost'

/** The pages measured whole: login session, the store's queries, rendering, the response body. */
const pages: [name: string, path: string][] = [
  ['overview, 24 h', '/dashboard?range=24h'],
  ['overview, 7 d', '/dashboard?range=7d'],
  ['overview, 30 d', '/dashboard?range=30d'],
  ['budgets', '/dashboard/budgets'],
]

/**
 * Each page through the gateway's Hono app (no socket): signed in through the login form, as a
 * browser, then asked once to warm up and `runs` times measured, the body read to its end.
 */
async function measurePages(subject: string, store: Store, count: number, runs: number): Promise<Row[]> {
  const ai = await createAI({
    plugins: [{ name: 'bench-store', setup: (host) => host.registerStore(store) }],
  })
  const { app } = createGateway({ ai, adminToken })
  const login = await app.request('/dashboard/login', {
    method: 'POST',
    headers: { origin, host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: adminToken }),
  })
  if (login.status !== 303) throw new Error(`signing in to the dashboard failed: ${login.status}`)
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const get = async (path: string) => {
    const response = await app.request(path, { headers: { cookie, accept: 'text/html' } })
    const body = await response.text()
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
    return body.length
  }
  const rows: Row[] = []
  for (const [name, path] of pages) {
    await get(path)
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      bytes = await get(path)
      times.push(performance.now() - t0)
    }
    const p95 = percentile(times, 95)
    rows.push({
      scenario: `dashboard page renders, ${count.toLocaleString('en')} usage records`,
      subject: `${subject}: ${name}`,
      numbers: {
        'HTML kB': round(bytes / 1024, 0),
        'median ms': round(median(times), 1),
        'p95 ms': round(p95, 1),
      },
      ...goal(`p95 < ${goalMs} ms`, p95 < goalMs),
    })
  }
  // Closes the store too.
  await ai.close()
  return rows
}

export async function dashboardQueries(count: number, runs = 10): Promise<Row[]> {
  const rows: Row[] = []
  const path = sqlitePath()
  const sqlite = await createSqliteStore({ path })
  const sqliteSeconds = await seed(sqlite, count)
  rows.push(...(await measure('SQLite', sqlite, count, runs)))
  const pageRows = await measurePages('SQLite', sqlite, count, runs)
  rmSync(dirname(path), { recursive: true, force: true })

  const schema = `bench_dashboard_${process.pid}`
  const pool = new Pool({ connectionString: postgresURL, max: 4 })
  const postgres = await createPostgresStore({ pool, schema })
  const postgresSeconds = await seed(postgres, count)
  // What autovacuum does soon after a bulk load: planner statistics and the visibility map.
  for (const table of ['usage_records', 'usage_daily', 'usage_daily_models', 'usage_daily_latency']) {
    await pool.query(`VACUUM ANALYZE "${schema}".${table}`)
  }
  rows.push(...(await measure('PostgreSQL', postgres, count, runs)))
  pageRows.push(...(await measurePages('PostgreSQL', postgres, count, runs)))
  await pool.query(`drop schema if exists "${schema}" cascade`)
  await pool.end()
  process.stderr.write(
    `(seeded in ${sqliteSeconds.toFixed(0)} s SQLite, ${postgresSeconds.toFixed(0)} s PostgreSQL) `,
  )
  return [...rows, ...pageRows]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 1_000_000)
  for (const row of await dashboardQueries(count)) {
    console.log(row.subject.padEnd(70), JSON.stringify(row.numbers), row.met === false ? 'OVER GOAL' : '')
  }
}
