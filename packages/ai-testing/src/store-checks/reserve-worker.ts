import { createInterface } from 'node:readline'
import type { SpendKey, Store } from '@aimux/ai-core'
import { z } from 'zod'

/** The tenant whose budget every reserve worker spends against. */
export const sharedBudgetTenant = 'tenant-shared'

/** The two keys each reservation holds: the tenant's limited monthly budget and an unlimited total. */
export const sharedBudgetKeys = {
  month: { scope: 'tenant', scopeId: sharedBudgetTenant, period: 'month', periodStart: '2026-11-01' },
  total: { scope: 'global', scopeId: sharedBudgetTenant, period: 'total', periodStart: '1970-01-01' },
} as const satisfies Record<string, SpendKey>

/** A worker's share of the work, the line the test sends once every worker is ready. */
export const reserveWorkloadSchema = z.object({
  /** Names the worker; its reservations and usage records are `<worker>-0`, `<worker>-1`, ... */
  worker: z.string().min(1),
  reservations: z.number().int().nonnegative(),
  amountNanoUsd: z.number().int().positive(),
  limitNanoUsd: z.number().int().positive(),
})
export type ReserveWorkload = z.infer<typeof reserveWorkloadSchema>

/** What a worker prints when it is done. */
export interface ReserveSummary {
  granted: number
  /** Refusals that saw the budget already past its limit: an overspend. */
  overLimit: number
}

/**
 * The body of a reserve worker, one of several processes spending against one budget in one
 * database. A worker script calls it with its own store: `await runReserveWorker(() =>
 * createMyStore(process.argv[2]))`. It opens the store and prints "ready", reads its workload
 * (a `ReserveWorkload` as JSON) as one line from stdin, then makes its reservations one after
 * another, settling each one granted and writing a usage record for every attempt, closes the
 * store and prints a `ReserveSummary` as JSON. `checkReservationsAcrossProcesses` starts the
 * workers and checks what they leave.
 */
export async function runReserveWorker(open: () => Promise<Store>): Promise<void> {
  const store = await open()
  console.log('ready')
  const { worker, reservations, amountNanoUsd, limitNanoUsd } = reserveWorkloadSchema.parse(
    JSON.parse(await readLine()),
  )
  const summary: ReserveSummary = { granted: 0, overLimit: 0 }
  for (let i = 0; i < reservations; i++) {
    const reservationId = `${worker}-${i}`
    const result = await store.spend.reserve({
      reservationId,
      amountNanoUsd,
      keys: [{ key: sharedBudgetKeys.month, limitNanoUsd }, { key: sharedBudgetKeys.total }],
    })
    if (result.ok) {
      summary.granted++
      await store.spend.settle(reservationId, amountNanoUsd)
    } else if (result.spentNanoUsd + result.reservedNanoUsd > limitNanoUsd) summary.overLimit++
    await store.usage.recordUsage([
      {
        requestId: reservationId,
        createdAt: new Date(),
        tenantId: sharedBudgetTenant,
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
        operation: 'chat',
      },
    ])
  }
  await store.close?.()
  console.log(JSON.stringify(summary))
}

/** The first line on stdin. */
async function readLine(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line
  throw new Error('stdin closed before the workload arrived')
}
