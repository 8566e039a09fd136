import type { Store } from '@aimux/ai-core'
import { expect } from 'vitest'
import type { LineWorker } from '../line-worker.js'
import {
  type BudgetWorkload,
  budgetCall,
  budgetCallCostNanoUsd,
  budgetCallEstimateNanoUsd,
  budgetInstance,
  budgetLeaseOpenMs,
} from './budget-worker.js'

export interface ReservationsExpireAfterCrashOptions {
  /**
   * Starts one worker: a script that calls `runBudgetWorker` with the store under test, over the
   * database every worker shares, e.g. `startLineWorker(new URL('./budget-worker.ts',
   * import.meta.url), [path])`. It is called once per worker.
   */
  start: () => LineWorker
  /** Opens that database in the test's process once the workers are dead; closed with the instance. */
  open: () => Promise<Store>
  /** How many workers die holding a reservation; default 3. */
  workers?: number
  /** How long a reservation is held (`budgetReservationMaxMs`); default 1,000 ms. */
  reservationMaxMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Processes killed with SIGKILL in the middle of a call leave their budget reservations behind,
 * and those must stop counting once they expire. Each worker makes one call that is settled and
 * one the provider never answers; once every worker holds its reservation, all are killed. The
 * budget has room for what the workers spent and held, but not for that and one more call. After
 * the reservations' expiry (measured from when each worker said it held one, so a slow machine
 * only waits longer), a call through `createAI()` on the same database passes, and the budget's
 * spend is exactly what was settled: the workers' first calls and this one, nothing reserved.
 * Give it an empty database. Call it inside a vitest test.
 */
export async function checkReservationsExpireAfterCrash(
  options: ReservationsExpireAfterCrashOptions,
): Promise<void> {
  const count = options.workers ?? 3
  const reservationMaxMs = options.reservationMaxMs ?? 1_000
  // Room for every worker's settled call and held estimate, but not for one estimate more.
  const peakNanoUsd = count * (budgetCallCostNanoUsd + budgetCallEstimateNanoUsd)
  const limitNanoUsd = peakNanoUsd + budgetCallEstimateNanoUsd / 2
  const workload: BudgetWorkload = { limitUsd: limitNanoUsd / 1e9, reservationMaxMs }

  const workers = Array.from({ length: count }, () => options.start())
  for (const worker of workers) expect(await worker.nextLine()).toBe('ready')
  for (const worker of workers) worker.send(JSON.stringify(workload))
  const heldAt = await Promise.all(
    workers.map(async (worker) => {
      const line = await worker.nextLine()
      expect(line).toMatch(/^held \d+$/)
      return Number(line.slice('held '.length))
    }),
  )
  for (const worker of workers) worker.child.kill('SIGKILL')
  for (const worker of workers) expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' })

  const ai = await budgetInstance(await options.open(), workload)
  try {
    const [before] = await ai.budgets.status({})
    expect(before!.spentNanoUsd).toBe(count * budgetCallCostNanoUsd)
    // Each reservation was made before its worker said so: it has expired by then (a budget
    // lease, which holds the call's reservation, two lease windows after the call's would have).
    await sleep(Math.max(...heldAt) + reservationMaxMs + 2 * budgetLeaseOpenMs + 50 - Date.now())

    expect((await ai.chat(budgetCall)).text).toBe('ok')
    expect(await ai.budgets.status({})).toEqual([
      expect.objectContaining({
        scope: 'global',
        period: 'total',
        spentNanoUsd: (count + 1) * budgetCallCostNanoUsd,
        reservedNanoUsd: 0,
        limitNanoUsd,
      }),
    ])
  } finally {
    await ai.close()
  }
}
