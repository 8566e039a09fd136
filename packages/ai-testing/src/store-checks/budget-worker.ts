import { createInterface } from 'node:readline'
import {
  type AI,
  type BudgetInput,
  createAI,
  defineProvider,
  type Plugin,
  type PriceEntryInput,
  type Store,
} from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'

/**
 * The instance every budget worker and the test that checks them build over one database: a
 * provider 'held' whose model 'm' costs $0.001 a token, and one hard budget for everyone. A call
 * of `budgetCall` is estimated at $0.015 (5 prompt tokens and 10 of output) and costs $0.01 when
 * it answers (5 and 5 tokens).
 */
export const budgetCall = {
  model: 'held:m',
  messages: [{ role: 'user' as const, content: 'Hi' }],
  maxOutputTokens: 10,
}
export const budgetCallEstimateNanoUsd = 15_000_000
export const budgetCallCostNanoUsd = 10_000_000
const prices: PriceEntryInput[] = [{ provider: 'held', model: 'm', price: { input: 1_000, output: 1_000 } }]
/**
 * How long a budget lease takes new calls in these instances (`budgetLeases.openMs`): a lease is
 * held in the store up to twice this longer than the reservation of the call that opened it.
 */
export const budgetLeaseOpenMs = 100

/** A worker's instructions, the line the test sends once every worker is ready. */
export const budgetWorkloadSchema = z.object({
  /** The budget's limit, the same in every process. */
  limitUsd: z.number().positive(),
  /** `budgetReservationMaxMs`: how long the held call's reservation outlives its process. */
  reservationMaxMs: z.number().int().positive(),
})
export type BudgetWorkload = z.infer<typeof budgetWorkloadSchema>

/**
 * The instance over `store`: the held provider and the budget `{ scope: 'global', limitUsd,
 * period: 'total' }`. Each call answers at once, unless `hold` is given: it is then handed the
 * function that answers the call, once the call has reached the provider.
 */
export async function budgetInstance(
  store: Store,
  workload: BudgetWorkload,
  hold?: (answer: () => void) => void,
): Promise<AI> {
  const adapter = defineProvider({
    id: 'held',
    async generate() {
      if (hold) await new Promise<void>((answer) => hold(answer))
      return {
        content: [{ type: 'text', text: 'ok' }],
        finishReason: 'stop',
        usage: normalizeUsage({ inputTokens: 5, outputTokens: 5 }),
      }
    },
  })
  const plugins: Plugin[] = [
    { name: 'store', setup: (host) => host.registerStore(store) },
    { name: 'held', setup: (host) => host.registerProvider(adapter) },
  ]
  const budgets: BudgetInput[] = [{ scope: 'global', limitUsd: workload.limitUsd, period: 'total' }]
  return createAI({
    plugins,
    prices,
    budgets,
    budgetReservationMaxMs: workload.reservationMaxMs,
    budgetLeases: { openMs: budgetLeaseOpenMs },
    retry: false,
  })
}

/**
 * The body of a budget worker, one of several processes that die holding a budget reservation.
 * A worker script calls it with its own store: `await runBudgetWorker(() =>
 * createMyStore(process.argv[2]))`. It opens the store and prints "ready", reads its
 * `BudgetWorkload` as JSON from stdin, makes one call that answers and is settled, then a second
 * one the provider never answers: once that call has reached the provider (its reservation
 * made), it prints `held <Date.now()>` and waits to be killed.
 * `checkReservationsExpireAfterCrash` starts the workers, kills them and checks what they leave.
 */
export async function runBudgetWorker(open: () => Promise<Store>): Promise<void> {
  const store = await open()
  console.log('ready')
  const workload = budgetWorkloadSchema.parse(JSON.parse(await readLine()))
  let calls = 0
  const ai = await budgetInstance(store, workload, (answer) => {
    if (++calls === 1) answer()
    else console.log(`held ${Date.now()}`)
  })
  await ai.chat(budgetCall)
  await ai.flush()
  // Keeps the process alive while the second call waits, until it is killed.
  setInterval(() => {}, 60_000)
  await ai.chat(budgetCall)
}

/** The first line on stdin. */
async function readLine(): Promise<string> {
  for await (const line of createInterface({ input: process.stdin })) return line
  throw new Error('stdin closed before the workload arrived')
}
