import type { Store } from '@aimux/ai-core'
import { expect } from 'vitest'
import type { LineWorker } from '../line-worker.js'
import {
  budgetCall,
  budgetCallCostNanoUsd,
  budgetCallEstimateNanoUsd,
  budgetInstance,
} from './budget-worker.js'
import type { SpendSummary, SpendWorkload } from './spend-worker.js'

export interface BudgetAcrossProcessesOptions {
  /**
   * Starts one worker: a script that calls `runSpendWorker` with the store under test, over the
   * database every worker shares, e.g. `startLineWorker(new URL('./spend-worker.ts',
   * import.meta.url), [path])`. It is called once per worker, before any of them is ready.
   */
  start: () => LineWorker
  /** Opens that database in the test's process once the workers are done; closed with the instance. */
  open: () => Promise<Store>
  /** How many worker processes call at once; default 8. */
  workers?: number
  /** How many calls each worker makes, 4 at a time; default 40. The budget has room for 3 in 8 of them all. */
  calls?: number
}

const total = { scope: 'global', scopeId: 'global', period: 'total', periodStart: '1970-01-01' } as const

/**
 * Several processes calling through `createAI()` against one hard budget in one database, with
 * budget leases (the default for a store plugin), must not spend past it together, and must
 * leave no room held once they have closed. The workers call at once, more times than the
 * budget holds; then the test checks that what passed fits the limit, that the spend counter
 * holds exactly what passed with nothing reserved, and that the room left can still be spent
 * by one more instance, call by call, until less than one call's estimate is left. Give it an
 * empty database. Call it inside a vitest test.
 */
export async function checkBudgetAcrossProcesses(options: BudgetAcrossProcessesOptions): Promise<void> {
  const count = options.workers ?? 8
  const calls = options.calls ?? 40
  const limitNanoUsd = Math.floor((count * calls * 3) / 8) * budgetCallCostNanoUsd + budgetCallCostNanoUsd / 2
  const workload: SpendWorkload = { calls, concurrency: 4, limitUsd: limitNanoUsd / 1e9 }

  const workers = Array.from({ length: count }, () => options.start())
  for (const worker of workers) expect(await worker.nextLine()).toBe('ready')
  for (const worker of workers) {
    worker.send(JSON.stringify(workload))
    worker.end()
  }
  const summaries = await Promise.all(
    workers.map(async (worker): Promise<SpendSummary> => JSON.parse(await worker.nextLine())),
  )
  for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null })
  const passed = summaries.reduce((sum, s) => sum + s.passed, 0)
  expect(summaries.reduce((sum, s) => sum + s.passed + s.refused, 0)).toBe(count * calls)
  expect(passed * budgetCallCostNanoUsd).toBeLessThanOrEqual(limitNanoUsd)

  const store = await options.open()
  expect(await store.spend.getSpend(total)).toEqual({
    spentNanoUsd: passed * budgetCallCostNanoUsd,
    reservedNanoUsd: 0,
  })
  const ai = await budgetInstance(store, { limitUsd: workload.limitUsd, reservationMaxMs: 60_000 })
  try {
    let more = 0
    for (;;) {
      const refused = await ai.chat(budgetCall).then(
        () => false,
        (error: { code?: string }) => error.code === 'budget-exceeded' || Promise.reject(error),
      )
      if (refused) break
      more++
    }
    await ai.flush()
    const { spentNanoUsd, reservedNanoUsd } = await store.spend.getSpend(total)
    expect({ spentNanoUsd, reservedNanoUsd }).toEqual({
      spentNanoUsd: (passed + more) * budgetCallCostNanoUsd,
      reservedNanoUsd: 0,
    })
    expect(limitNanoUsd - spentNanoUsd).toBeLessThan(budgetCallEstimateNanoUsd)
  } finally {
    await ai.close()
  }
}
