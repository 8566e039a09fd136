import type { Store } from '@aimux/ai-core'
import { expect } from 'vitest'
import type { LineWorker } from '../line-worker.js'
import { usageWriterBatchSize, usageWriterCostNanoUsd, usageWriterTenant } from './usage-writer.js'

export interface CrashMidWriteOptions {
  /**
   * Starts the writer: a script that calls `runUsageWriter` with the store under test, e.g.
   * `startLineWorker(new URL('./usage-writer.ts', import.meta.url), [path])`.
   */
  start: () => LineWorker
  /** Opens the same database in the test's process once the writer is dead; closed after. */
  open: () => Promise<Store>
  /** Runs between the kill and `open`, for checks of the database's own (an integrity check). */
  afterKill?: () => void | Promise<void>
  /** How many acknowledged records to wait for before the kill; default 500. */
  acknowledged?: number
}

/**
 * A process killed with SIGKILL in the middle of writing loses nothing it had committed. Lets the
 * writer commit batches, kills it while it writes the next, then checks that every record it
 * acknowledged is in the store, and that what is there is whole batches, each record at its
 * cost. Give it an empty database. Call it inside a vitest test.
 */
export async function checkCrashMidWrite(options: CrashMidWriteOptions): Promise<void> {
  const writer = options.start()
  const acknowledged: string[] = []
  while (acknowledged.length < (options.acknowledged ?? 500))
    acknowledged.push(...(await writer.nextLine()).split(','))
  writer.child.kill('SIGKILL')
  expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' })
  await options.afterKill?.()

  const store = await options.open()
  try {
    const missing = []
    for (const requestId of acknowledged)
      if (!(await store.usage.getUsage(requestId))) missing.push(requestId)
    expect(missing).toEqual([])
    const [total] = await store.usage.queryUsage({
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
      tenantId: usageWriterTenant,
    })
    expect(total!.requests).toBeGreaterThanOrEqual(acknowledged.length)
    expect(total!.requests % usageWriterBatchSize).toBe(0)
    expect(total!.costNanoUsd).toBe(total!.requests * usageWriterCostNanoUsd)
  } finally {
    await store.close?.()
  }
}
