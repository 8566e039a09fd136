import type { Store } from '@aimux/ai-core'
import { expect } from 'vitest'
import type { LineWorker } from '../line-worker.js'
import {
  type ReserveSummary,
  type ReserveWorkload,
  sharedBudgetKeys,
  sharedBudgetTenant,
} from './reserve-worker.js'

export interface ReservationsAcrossProcessesOptions {
  /** How many worker processes spend against the budget at once. */
  workers: number
  /** How many reservations each worker makes; the budget has room for three in eight of them all. */
  reservations: number
  /**
   * Starts one worker: a script that calls `runReserveWorker` with the store under test, over the
   * database every worker shares, e.g. `startLineWorker(new URL('./reserve-worker.ts',
   * import.meta.url), [path])`. It is called once per worker, before any of them is ready.
   */
  start: () => LineWorker
  /** Opens that database in the test's process, to read what the workers left; closed after. */
  open: () => Promise<Store>
}

const amountNanoUsd = 1_000

/**
 * Several processes reserving against one budget in one database must not overspend, and must
 * lose no usage record. Starts the workers together (so they also race to open a new database),
 * lets them all go at once, then checks that exactly as many reservations were granted as the
 * budget has room for, that no refusal saw the budget past its limit, that the spend counters
 * hold the limit with nothing left reserved, and that every attempt's usage record is there.
 * Give it an empty database. Call it inside a vitest test.
 */
export async function checkReservationsAcrossProcesses(
  options: ReservationsAcrossProcessesOptions,
): Promise<void> {
  const { workers: count, reservations } = options
  const attempts = count * reservations
  const grantable = Math.floor((attempts * 3) / 8)
  const limitNanoUsd = grantable * amountNanoUsd

  const workers = Array.from({ length: count }, () => options.start())
  for (const worker of workers) expect(await worker.nextLine()).toBe('ready')
  workers.forEach((worker, i) => {
    const workload: ReserveWorkload = { worker: `w${i}`, reservations, amountNanoUsd, limitNanoUsd }
    worker.send(JSON.stringify(workload))
    worker.end()
  })
  const summaries = await Promise.all(
    workers.map(async (worker): Promise<ReserveSummary> => JSON.parse(await worker.nextLine())),
  )
  for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null })

  expect(summaries.reduce((sum, s) => sum + s.granted, 0)).toBe(grantable)
  expect(summaries.every((s) => s.overLimit === 0)).toBe(true)

  const store = await options.open()
  try {
    const settled = { spentNanoUsd: limitNanoUsd, reservedNanoUsd: 0 }
    expect(await store.spend.getSpend(sharedBudgetKeys.month)).toEqual(settled)
    expect(await store.spend.getSpend(sharedBudgetKeys.total)).toEqual(settled)
    const [usage] = await store.usage.queryUsage({
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
      tenantId: sharedBudgetTenant,
    })
    expect(usage).toMatchObject({
      requests: attempts,
      errors: attempts - grantable,
      costNanoUsd: limitNanoUsd,
    })
    for (let w = 0; w < count; w++) {
      for (let i = 0; i < reservations; i++) expect(await store.usage.getUsage(`w${w}-${i}`)).toBeDefined()
    }
  } finally {
    await store.close?.()
  }
}
