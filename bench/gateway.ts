// Scenario: what the gateway adds. The same chat completion through the openai SDK, straight to
// the fake upstream, through a bare Node.js proxy (the cost of one more HTTP hop, nothing else)
// and through one gateway process (a virtual key, /metrics on), at concurrency 1 and 200,
// interleaved in rounds so that all three see the same machine state.
import { type ChildProcess, fork } from 'node:child_process'
import OpenAI from 'openai'
import {
  combine,
  goal,
  machine,
  median,
  percentile,
  type Row,
  round,
  type Servers,
  startServers,
  type Timing,
  timeCalls,
} from './measure.ts'
import { messages } from './subjects.ts'

interface GatewayProcess {
  url: string
  secret: string
  /** The bare proxy's URL. */
  proxy: string
  /** The gateway process's CPU time so far, microseconds. */
  cpu(): Promise<number>
  close(): void
}

async function startGateway(upstream: string): Promise<GatewayProcess> {
  const child: ChildProcess = fork(new URL('./gateway-process.ts', import.meta.url))
  let next = 1
  const waiting = new Map<number, (message: Record<string, unknown>) => void>()
  const ask = (message: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = next++
      waiting.set(id, resolve)
      child.send({ id, ...message })
    })
  await new Promise<void>((resolve) => {
    child.on('message', (message: { id: number }) => {
      if (message.id === 0) return resolve()
      waiting.get(message.id)?.(message)
      waiting.delete(message.id)
    })
  })
  const { url, secret, proxy } = (await ask({ upstream })) as { url: string; secret: string; proxy: string }
  return {
    url,
    secret,
    proxy,
    cpu: async () => ((await ask({ cpu: true })) as { cpuUs: number }).cpuUs,
    close: () => child.disconnect(),
  }
}

export async function gatewayOverhead(servers: Servers, calls: number, concurrency: number): Promise<Row[]> {
  const gateway = await startGateway(servers.ok)
  const client = (baseURL: string, apiKey: string) => new OpenAI({ apiKey, baseURL, maxRetries: 0 })
  const direct = client(servers.ok, 'sk-bench')
  const proxied = client(`${gateway.proxy}/v1`, 'sk-bench')
  const through = client(`${gateway.url}/v1`, gateway.secret)
  const subjects = [
    {
      name: 'openai SDK to the upstream',
      call: () => direct.chat.completions.create({ model: 'gpt-4o-mini', messages }),
    },
    {
      name: 'through a bare Node.js proxy',
      call: () => proxied.chat.completions.create({ model: 'gpt-4o-mini', messages }),
    },
    {
      name: 'through the gateway',
      call: () => through.chat.completions.create({ model: 'openai:gpt-4o-mini', messages }),
    },
  ]
  const rounds = 20
  const perRound = Math.ceil(calls / rounds)
  const rows: Row[] = []
  for (const [mode, width] of [
    ['sequential', 1],
    [`concurrency ${concurrency}`, concurrency],
  ] as const) {
    for (const subject of subjects) {
      await servers.top(500)
      await timeCalls(subject.call, 500, width)
    }
    const timings: Timing[][] = subjects.map(() => [])
    // The gateway process's CPU time while each of the subjects through it ran.
    const processCpuUs = subjects.map(() => 0)
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < subjects.length; k++) {
        const i = (k + r) % subjects.length
        await servers.top(perRound)
        const cpu0 = i > 0 ? await gateway.cpu() : 0
        timings[i]!.push(await timeCalls(subjects[i]!.call, perRound, width))
        if (i > 0) processCpuUs[i]! += (await gateway.cpu()) - cpu0
      }
    }
    const totals = timings.map(combine)
    // Per round, the subject's percentile less the direct call's; the median round.
    const added = (i: number, p: number) =>
      median(
        timings[i]!.map((t, r) => percentile(t.latenciesMs, p) - percentile(timings[0]![r]!.latenciesMs, p)),
      )
    const perSecond = (t: Timing) => Math.round((t.calls / t.wallMs) * 1000)
    totals.forEach((t, i) => {
      const numbers: Row['numbers'] = {
        calls: t.calls,
        'calls/s': perSecond(t),
        'p50 ms': round(percentile(t.latenciesMs, 50)),
        'p99 ms': round(percentile(t.latenciesMs, 99)),
      }
      if (i > 0) {
        numbers['added p50 ms'] = round(added(i, 50), 3)
        numbers['added p99 ms'] = round(added(i, 99), 3)
        numbers['proxy CPU us/call'] = Math.round(processCpuUs[i]! / t.calls)
      }
      const standing =
        i !== 2
          ? {}
          : width === 1
            ? goal('added p50 <= 0.5 ms, p99 <= 3 ms', added(i, 50) <= 0.5 && added(i, 99) <= 3)
            : goal('>= 2,000 calls/s', perSecond(t) >= 2000)
      rows.push({ scenario: `gateway, ${mode}`, subject: subjects[i]!.name, numbers, ...standing })
    })
  }
  gateway.close()
  return rows
}

// `node bench/gateway.ts [calls]` runs this scenario alone and prints its tables as markdown.
if (import.meta.main) {
  const servers = await startServers()
  const rows = await gatewayOverhead(servers, Number(process.argv[2] ?? 2_000), 200)
  servers.close()
  const host = machine()
  console.log(`${host.cpu}, ${host.cores} cores, Node ${host.node}, ${host.date}\n`)
  for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
    const group = rows.filter((r) => r.scenario === scenario)
    const columns = [...new Set(group.flatMap((r) => Object.keys(r.numbers)))]
    const header = ['subject', ...columns, 'goal', 'met']
    console.log(`## ${scenario}\n\n| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |`)
    for (const r of group) {
      const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO'
      console.log(
        `| ${[r.subject, ...columns.map((c) => String(r.numbers[c] ?? '')), r.goal ?? '', met].join(' | ')} |`,
      )
    }
    console.log('')
  }
}
