// Writes batches of usage records to PostgreSQL until it is killed:
// node --import ./source-hooks.ts usage-writer.ts <url> <schema> <tenant>
// After each batch is committed it prints the batch's request ids, comma-separated.
import { randomUUID } from 'node:crypto'
import type { UsageRecord } from '@aimux/ai-core'
import { createPostgresStore } from '../../src/postgres-store.js'

const [connectionString, schema, tenantId] = process.argv.slice(2) as [string, string, string]
const store = await createPostgresStore({ connectionString, schema })

for (;;) {
  const batch = Array.from(
    { length: 10 },
    (): UsageRecord => ({
      requestId: randomUUID(),
      createdAt: new Date(),
      tenantId,
      provider: 'mock',
      model: 'mock-model',
      inputTokens: 10,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 5,
      reasoningTokens: 0,
      totalTokens: 15,
      costNanoUsd: 1_234,
      costSource: 'catalog',
      latencyMs: 12.5,
      success: true,
      stream: false,
      steps: 1,
    }),
  )
  await store.usage.recordUsage(batch)
  process.stdout.write(`${batch.map((record) => record.requestId).join(',')}\n`)
}
