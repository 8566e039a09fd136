// Measures how many usage records per second the PostgreSQL store writes, batched as the usage
// sink batches them, and how many reserve-then-settle pairs per second it makes, in a schema of
// its own that it drops at the end:
//   pnpm --filter @aimux/store-postgres bench [records] [batch size]
// The server is AIMUX_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/aimux_test.
import type { UsageRecord } from '@aimux/ai-core'
import { createPostgresStore } from './postgres-store.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from './test-database.js'

const records = Number(process.argv[2] ?? 100_000)
const batchSize = Number(process.argv[3] ?? 100)
const reservations = 5_000

const schema = freshSchemaName()
const store = await createPostgresStore({ connectionString: testDatabaseUrl, schema })

function record(i: number): UsageRecord {
  return {
    requestId: `r${i}`,
    createdAt: new Date(Date.UTC(2026, 10, 1) + i * 1_000),
    tenantId: `t${i % 10}`,
    userId: `u${i % 1_000}`,
    provider: 'openai',
    model: i % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4o',
    inputTokens: 1_000,
    cachedInputTokens: 200,
    cacheWriteTokens: 0,
    outputTokens: 300,
    reasoningTokens: 0,
    totalTokens: 1_300,
    costNanoUsd: 330_000,
    costSource: 'catalog',
    latencyMs: 250 + (i % 500),
    success: i % 50 !== 0,
    stream: i % 3 === 0,
    steps: 1,
  }
}

async function measure(label: string, count: number, unit: string, run: () => Promise<void>): Promise<void> {
  const started = performance.now()
  await run()
  const seconds = (performance.now() - started) / 1_000
  console.log(
    `${label}: ${count} ${unit} in ${seconds.toFixed(2)} s, ${Math.round(count / seconds)} ${unit}/s`,
  )
}

try {
  await measure(`usage records, batches of ${batchSize}`, records, 'records', async () => {
    for (let i = 0; i < records; i += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, records - i) }, (_, j) => record(i + j))
      await store.usage.recordUsage(batch)
    }
  })
  const single = Math.min(records, 10_000)
  await measure('usage records, one per transaction', single, 'records', async () => {
    for (let i = 0; i < single; i++) await store.usage.recordUsage([record(records + i)])
  })
  await measure('reserve + settle', reservations, 'pairs', async () => {
    const key = { scope: 'user', scopeId: 'u1', period: 'month', periodStart: '2026-11-01' } as const
    for (let i = 0; i < reservations; i++) {
      await store.spend.reserve({
        reservationId: `b${i}`,
        amountNanoUsd: 1_000,
        keys: [{ key, limitNanoUsd: 1e15 }],
      })
      await store.spend.settle(`b${i}`, 900)
    }
  })
  await measure('queryUsage by day over every record', 1, 'queries', async () => {
    await store.usage.queryUsage({ from: new Date(0), to: new Date(Date.UTC(2100, 0)), groupBy: 'day' })
  })
} finally {
  await store.close()
  await dropSchemas([schema])
}
