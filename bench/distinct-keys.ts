// Scenario 5b: the heap under hostile input, a million calls each from a user and to a model
// string never seen before, through rate limits per user and per model and a circuit breaker per
// model. In a fresh process (this file, run with 'child'), sampled after a garbage collection
// before the first call and at every tenth of the run. Alone: `node bench/distinct-keys.ts [calls]`.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createAI, defineProvider } from '@aimux/ai-core'
import { emptyUsage } from '@aimux/ai-core/provider-kit'
import { goal, type Row, round } from './measure.ts'

const messages = [{ role: 'user' as const, content: 'Say hello.' }]
const mb = (bytes: number) => round(bytes / 2 ** 20, 1)
const usage = { ...emptyUsage(), inputTokens: 10, outputTokens: 2, totalTokens: 12 }
const instant = defineProvider({
  id: 'openai',
  generate: async () => ({ content: [{ type: 'text', text: 'Hello!' }], finishReason: 'stop', usage }),
  stream: async function* () {
    yield { type: 'finish', finishReason: 'stop' }
  },
})

/** The V8 heap in use, in MB: before the first call, then after each tenth of the run. */
async function child(calls: number, maxCounters: number): Promise<void> {
  const ai = await createAI({
    plugins: [{ name: 'instant', setup: (host) => host.registerProvider(instant) }],
    rateLimits: {
      rules: [
        { scope: 'user', requestsPerMinute: 1_000, requestsPerDay: 10_000 },
        { scope: 'model', requestsPerMinute: 1_000_000 },
      ],
      maxCounters,
    },
    circuitBreaker: {},
    retry: false,
  })
  let started = 0
  const call = () => {
    const i = started++
    return ai.chat({ model: `openai:model-${i}`, messages, scope: { userId: `user-${i}` } })
  }
  globalThis.gc?.()
  const heap = [mb(process.memoryUsage().heapUsed)]
  const step = calls / 10
  for (let done = 0; done < calls; done += step) {
    const end = done + step
    const worker = async () => {
      while (started < end) await call()
    }
    await Promise.all(Array.from({ length: 20 }, worker))
    await ai.flush()
    globalThis.gc?.()
    heap.push(mb(process.memoryUsage().heapUsed))
  }
  await ai.close()
  process.send?.(heap)
}

function inChild(calls: number, maxCounters: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const args = ['child', String(calls), String(maxCounters)]
    const proc = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--expose-gc'] })
    proc.once('message', (heap) => resolve(heap as number[]))
    proc.once('exit', (code) => code && reject(new Error(`distinct-keys child exited with ${code}`)))
  })
}

/** The default bound on rate-limit counters, and a tenth of it. */
const bounds = [100_000, 10_000]

export async function distinctKeys(calls: number): Promise<Row[]> {
  const rows: Row[] = []
  for (const maxCounters of bounds) {
    const [before, ...after] = (await inChild(calls, maxCounters)) as [number, ...number[]]
    const half = after[4]!
    const end = after.at(-1)!
    const growth = round(end - half, 1)
    rows.push({
      scenario: 'memory under distinct users and models',
      subject: `aimux, maxCounters ${maxCounters.toLocaleString('en-US')}${maxCounters === bounds[0] ? ' (default)' : ''}`,
      numbers: {
        calls,
        'heap before MB': before,
        'heap after 10% MB': after[0]!,
        'heap at 50% MB': half,
        'heap at end MB': end,
        'growth 2nd half MB': growth,
      },
      ...goal('heap flat: the 2nd half grows by < 5 MB', growth < 5),
    })
  }
  return rows
}

if (process.argv[2] === 'child' && process.send) await child(Number(process.argv[3]), Number(process.argv[4]))
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await distinctKeys(Number(process.argv[2] ?? 1_000_000))) console.log(row)
}
