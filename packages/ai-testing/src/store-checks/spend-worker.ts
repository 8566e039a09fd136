import { createInterface } from 'node:readline'
import type { Store } from '@aimux/ai-core'
import { z } from 'zod'
import { budgetCall, budgetInstance } from './budget-worker.js'

/** A worker's share of the calls, the line the test sends once every worker is ready. */
export const spendWorkloadSchema = z.object({
  /** How many calls the worker makes in all, `concurrency` at a time. */
  calls: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  /** The global total budget's limit, the same in every process. */
  limitUsd: z.number().positive(),
})
export type SpendWorkload = z.infer<typeof spendWorkloadSchema>

/** What a spend worker prints when it is done. */
export interface SpendSummary {
  passed: number
  refused: number
}

/**
 * The body of a spend worker, one of several processes calling through `createAI()` (budget
 * leases on) against one hard budget in one database. A worker script calls it with its own
 * store: `await runSpendWorker(() => createMyStore(process.argv[2]))`. It opens the store and
 * prints "ready", reads its `SpendWorkload` as JSON from stdin, makes its calls (each estimated
 * at $0.015, costing $0.01), counting those that pass and those a budget refuses, closes the
 * instance (which gives its leases back) and prints a `SpendSummary` as JSON.
 * `checkBudgetAcrossProcesses` starts the workers and checks what they leave.
 */
export async function runSpendWorker(open: () => Promise<Store>): Promise<void> {
  const store = await open()
  console.log('ready')
  const workload = spendWorkloadSchema.parse(JSON.parse(await readLine()))
  const ai = await budgetInstance(store, { limitUsd: workload.limitUsd, reservationMaxMs: 60_000 })
  const summary: SpendSummary = { passed: 0, refused: 0 }
  let started = 0
  const caller = async () => {
    while (started < workload.calls) {
      started++
      try {
        await ai.chat(budgetCall)
        summary.passed++
      } catch (error) {
        if ((error as { code?: string }).code !== 'budget-exceeded') throw error
        summary.refused++
      }
    }
  }
  await Promise.all(Array.from({ length: workload.concurrency }, caller))
  await ai.close()
  console.log(JSON.stringify(summary))
}

/** The first line on stdin. */
async function readLine(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line
  throw new Error('stdin closed before the workload arrived')
}
