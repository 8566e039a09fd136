import type { Store, UsageRecord } from '@aimux/ai-core'

export interface BenchmarkStoreWritesOptions {
  /** How many usage records to write in batches; default 100,000. */
  records?: number
  /** How many records a batch holds, as the usage sink batches them; default 100. */
  batchSize?: number
  /** How many reserve-then-settle pairs to make; default 5,000. */
  reservations?: number
  /** Where each result line goes; default console.log. */
  log?: (line: string) => void
}

/**
 * Measures a store's write speed and prints one line per measure: usage records per second,
 * batched and one per transaction (at most 10,000), reserve-then-settle pairs per second, and
 * one queryUsage by day over every record written. Give it an empty store of its own: it writes
 * records r0, r1, ... and reservations b0, b1, ..., and leaves them there.
 */
export async function benchmarkStoreWrites(
  store: Store,
  options: BenchmarkStoreWritesOptions = {},
): Promise<void> {
  const { records = 100_000, batchSize = 100, reservations = 5_000, log = console.log } = options

  async function measure(
    label: string,
    count: number,
    unit: string,
    run: () => Promise<void>,
  ): Promise<void> {
    const started = performance.now()
    await run()
    const seconds = (performance.now() - started) / 1_000
    log(`${label}: ${count} ${unit} in ${seconds.toFixed(2)} s, ${Math.round(count / seconds)} ${unit}/s`)
  }

  await measure(`usage records, batches of ${batchSize}`, records, 'records', async () => {
    for (let i = 0; i < records; i += batchSize) {
      const batch = Array.from({ length: Math.min(batchSize, records - i) }, (_, j) => benchRecord(i + j))
      await store.usage.recordUsage(batch)
    }
  })
  const single = Math.min(records, 10_000)
  await measure('usage records, one per transaction', single, 'records', async () => {
    for (let i = 0; i < single; i++) await store.usage.recordUsage([benchRecord(records + i)])
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
}

export interface StoreWritesBenchmarkOptions {
  /** The command line: `[records] [batch size]`; default `process.argv.slice(2)`. */
  args?: readonly string[]
  /** Runs after the store is closed, e.g. to remove the database. */
  cleanup?: () => void | Promise<void>
}

/**
 * A store package's `bench` command: opens an empty store, runs `benchmarkStoreWrites` on it with
 * the records and batch size from the command line (default 100,000 and 100), then closes it and
 * runs `cleanup`, whether the benchmark succeeded or not.
 */
export async function runStoreWritesBenchmark(
  open: () => Promise<Store>,
  options: StoreWritesBenchmarkOptions = {},
): Promise<void> {
  const [records, batchSize] = options.args ?? process.argv.slice(2)
  try {
    const store = await open()
    try {
      await benchmarkStoreWrites(store, {
        records: Number(records ?? 100_000),
        batchSize: Number(batchSize ?? 100),
      })
    } finally {
      await store.close?.()
    }
  } finally {
    await options.cleanup?.()
  }
}

/** The i-th usage record the benchmark writes. */
function benchRecord(i: number): UsageRecord {
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
    operation: 'chat',
  }
}
