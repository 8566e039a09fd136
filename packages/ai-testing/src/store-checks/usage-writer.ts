import { randomUUID } from 'node:crypto'
import type { Store, UsageRecord } from '@aimux/ai-core'

/** The tenant of every record a usage writer writes. */
export const usageWriterTenant = 'tenant-crash'
/** How many records a usage writer writes in one batch. */
export const usageWriterBatchSize = 10
/** The cost of each record a usage writer writes. */
export const usageWriterCostNanoUsd = 1_234

/**
 * The body of a usage writer, a process killed mid-write by `checkCrashMidWrite`. A worker script
 * calls it with its own store: `await runUsageWriter(() => createMyStore(process.argv[2]))`. It
 * opens the store and writes batches of usage records until it is killed; after each batch is
 * committed it prints the batch's request ids, comma-separated.
 */
export async function runUsageWriter(open: () => Promise<Store>): Promise<never> {
  const store = await open()
  for (;;) {
    const batch = Array.from({ length: usageWriterBatchSize }, usageRecord)
    await store.usage.recordUsage(batch)
    process.stdout.write(`${batch.map((record) => record.requestId).join(',')}\n`)
  }
}

function usageRecord(): UsageRecord {
  return {
    requestId: randomUUID(),
    createdAt: new Date(),
    tenantId: usageWriterTenant,
    provider: 'mock',
    model: 'mock-model',
    inputTokens: 10,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 5,
    reasoningTokens: 0,
    totalTokens: 15,
    costNanoUsd: usageWriterCostNanoUsd,
    costSource: 'catalog',
    latencyMs: 12.5,
    success: true,
    stream: false,
    steps: 1,
    operation: 'chat',
  }
}
