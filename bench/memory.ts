// Scenario 5: RSS over many calls, each configuration in a fresh process (this file, run with
// a config name), sampled after a garbage collection at every tenth of the run.
import { fork } from 'node:child_process'
import { goal, type Row, round, type Servers, startServers } from './measure.ts'
import { aimux, aimuxChat, type Config } from './subjects.ts'

const mb = (bytes: number) => round(bytes / 2 ** 20, 1)

/** RSS and the V8 heap in use, in MB, after each tenth of a run. */
interface Samples {
  rss: number[]
  heap: number[]
}

async function child(config: Config, calls: number): Promise<void> {
  const servers = await startServers()
  const ai = await aimux(config, servers.ok)
  const call = aimuxChat(ai)
  const samples: Samples = { rss: [], heap: [] }
  const step = calls / 10
  for (let done = 0; done < calls; done += step) {
    await servers.top(step)
    let started = 0
    const worker = async () => {
      while (started++ < step) await call()
    }
    await Promise.all(Array.from({ length: 20 }, worker))
    await ai.flush()
    globalThis.gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    samples.rss.push(mb(rss))
    samples.heap.push(mb(heapUsed))
  }
  await ai.close()
  servers.close()
  process.send?.(samples)
}

function inChild(config: Config, calls: number): Promise<Samples> {
  return new Promise((resolve, reject) => {
    const proc = fork(new URL(import.meta.url), [config, String(calls)], { execArgv: ['--expose-gc'] })
    proc.once('message', (samples) => resolve(samples as Samples))
    proc.once('exit', (code) => code && reject(new Error(`memory child exited with ${code}`)))
  })
}

export async function memory(_servers: Servers, calls: number): Promise<Row[]> {
  const rows: Row[] = []
  for (const config of ['no store', 'SQLite'] as const) {
    const { rss, heap } = await inChild(config, calls)
    const half = rss[4]!
    const end = rss.at(-1)!
    // Levels off: the second half grows by less than 10% of the RSS at the half-way point.
    const growth = end - half
    rows.push({
      scenario: 'memory',
      subject: `aimux, ${config}`,
      numbers: {
        calls,
        'RSS after 10% MB': rss[0]!,
        'RSS at 50% MB': half,
        'RSS at end MB': end,
        'growth 2nd half MB': round(growth, 1),
        'heap used at 50% MB': heap[4]!,
        'heap used at end MB': heap.at(-1)!,
      },
      ...goal('no growth that does not level off (2nd half < 10%)', growth < half * 0.1),
      series: rss,
    })
  }
  return rows
}

if (process.argv[2] && process.send) await child(process.argv[2] as Config, Number(process.argv[3]))
