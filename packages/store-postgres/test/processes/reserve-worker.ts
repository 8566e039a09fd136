// One of several processes spending against one budget in one PostgreSQL schema:
// node --import ./source-hooks.ts reserve-worker.ts <url> <schema> <worker> <tenant> <reservations> <amount> <limit>
// Prints "ready" once the store is open, waits for "go" on stdin, then makes its reservations,
// settling each one granted and writing a usage record for every attempt, and prints a summary.
import { createInterface } from 'node:readline'
import type { SpendKey } from '@aimux/ai-core'
import { createPostgresStore } from '../../src/postgres-store.js'

const [connectionString, schema, worker, tenantId, reservations, amount, limit] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
]
const amountNanoUsd = Number(amount)
const limitNanoUsd = Number(limit)
const budget: SpendKey = { scope: 'tenant', scopeId: tenantId, period: 'month', periodStart: '2026-11-01' }
const global: SpendKey = { scope: 'global', scopeId: tenantId, period: 'total', periodStart: '1970-01-01' }

const store = await createPostgresStore({ connectionString, schema })
console.log('ready')
for await (const line of createInterface({ input: process.stdin })) if (line === 'go') break

let granted = 0
let overLimit = 0
for (let i = 0; i < Number(reservations); i++) {
  const reservationId = `${worker}-${i}`
  const result = await store.spend.reserve({
    reservationId,
    amountNanoUsd,
    keys: [{ key: budget, limitNanoUsd }, { key: global }],
  })
  if (result.ok) {
    granted++
    await store.spend.settle(reservationId, amountNanoUsd)
  } else if (result.spentNanoUsd + result.reservedNanoUsd > limitNanoUsd) overLimit++
  await store.usage.recordUsage([
    {
      requestId: reservationId,
      createdAt: new Date(),
      tenantId,
      provider: 'mock',
      model: 'mock-model',
      inputTokens: 1,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 1,
      reasoningTokens: 0,
      totalTokens: 2,
      costNanoUsd: result.ok ? amountNanoUsd : 0,
      costSource: 'catalog',
      latencyMs: 1,
      success: result.ok,
      ...(result.ok ? {} : { errorCode: 'budget-exceeded' }),
      stream: false,
      steps: 1,
    },
  ])
}
await store.close()
console.log(JSON.stringify({ granted, overLimit }))
