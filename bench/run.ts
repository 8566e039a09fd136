// Runs every scenario in one process against the same fake servers, prints a table, and writes
// bench/results/latest.json and docs/benchmarks.md. `node bench/run.ts --quick` for a short run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { budgetContention } from './budget-contention.ts'
import { memoryChart, overheadChart } from './chart.ts'
import { coreOverhead } from './core-overhead.ts'
import { dashboardQueries } from './dashboard-queries.ts'
import { distinctKeys } from './distinct-keys.ts'
import { failover } from './failover.ts'
import { gatewayOverhead } from './gateway.ts'
import { machine, type Row, startServers } from './measure.ts'
import { memory } from './memory.ts'
import { overhead } from './overhead.ts'
import { storeThroughput } from './store-throughput.ts'
import { streaming } from './streaming.ts'

const quick = process.argv.includes('--quick')
const scale = quick ? 0.1 : 1
const counts = {
  overheadCalls: Math.round(2_000 * scale),
  coreCalls: Math.round(20_000 * scale),
  concurrency: 200,
  streamCalls: Math.round(1_000 * scale),
  storeRecords: Math.round(100_000 * scale),
  conversationSends: Math.round(1_000 * scale),
  failoverCalls: Math.round(500 * scale),
  memoryCalls: Math.round(100_000 * scale),
  distinctKeyCalls: Math.round(1_000_000 * scale),
  contentionPairs: Math.round(500 * scale),
  dashboardRecords: Math.round(1_000_000 * scale),
}
const scaledDown = [
  'PostgreSQL store writes: 4 writers, each in a schema of its own, 25,000 batched records each; rates summed',
]

const started = performance.now()
const servers = await startServers()
const rows: Row[] = []
const scenarios: [string, () => Promise<Row[]>][] = [
  ['overhead', () => overhead(servers, counts.overheadCalls, counts.concurrency)],
  ["aimux's own work", () => coreOverhead(counts.coreCalls)],
  ['streaming', () => streaming(servers, counts.streamCalls)],
  ['store writes', () => storeThroughput(servers, counts.storeRecords, counts.conversationSends)],
  ['failover', () => failover(servers, counts.failoverCalls)],
  ['gateway', () => gatewayOverhead(servers, counts.overheadCalls, counts.concurrency)],
  ['memory', () => memory(servers, counts.memoryCalls)],
  ['memory under distinct keys', () => distinctKeys(counts.distinctKeyCalls)],
  ['budget contention', () => budgetContention(8, counts.contentionPairs)],
  ['dashboard queries', () => dashboardQueries(counts.dashboardRecords)],
]
for (const [name, scenario] of scenarios) {
  const t0 = performance.now()
  process.stderr.write(`${name}... `)
  rows.push(...(await scenario()))
  process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
}
servers.close()
const seconds = (performance.now() - started) / 1000
const host = machine()

/** One table per scenario, as rows of cells; the columns are the union of the rows' numbers. */
function tables(): { scenario: string; header: string[]; cells: string[][] }[] {
  const names = [...new Set(rows.map((r) => r.scenario))]
  return names.map((scenario) => {
    const group = rows.filter((r) => r.scenario === scenario)
    const columns = [...new Set(group.flatMap((r) => Object.keys(r.numbers)))]
    const header = ['subject', ...columns, 'goal', 'met']
    const cells = group.map((r) => [
      r.subject,
      ...columns.map((c) => String(r.numbers[c] ?? '')),
      r.goal ?? '',
      r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    ])
    return { scenario, header, cells }
  })
}

function text(): string {
  return tables()
    .map(({ scenario, header, cells }) => {
      const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)))
      const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')
      return [`== ${scenario}`, line(header), ...cells.map(line)].join('\n')
    })
    .join('\n\n')
}

/**
 * docs/benchmarks.md from this line on is written by hand (runs of one scenario alone, before and
 * after a change): a new run keeps it as it is.
 */
const NOTES_MARKER = '<!-- Notes by hand below: pnpm bench keeps them. -->'

/** The notes of the current docs/benchmarks.md, marker included, or the marker alone. */
function notes(path: string): string {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const at = current.indexOf(NOTES_MARKER)
  return at === -1 ? `${NOTES_MARKER}\n` : current.slice(at)
}

/** Where a picture follows a table in docs/benchmarks.md. */
const charts: Record<string, string> = {
  'overhead, concurrency 200': '![aimux wall time as a ratio to the raw SDK](benchmarks-overhead.svg)',
  memory: '![RSS over the memory runs](benchmarks-memory.svg)',
}

function markdown(notesPath: string): string {
  const body = tables()
    .map(({ scenario, header, cells }) =>
      [
        `## ${scenario}`,
        '',
        `| ${header.join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...cells.map((row) => `| ${row.join(' | ')} |`),
        ...(charts[scenario] ? ['', charts[scenario]] : []),
      ].join('\n'),
    )
    .join('\n\n')
  return `# Benchmarks

What aimux costs on top of the raw \`openai\` SDK, and how its stores scale. Every scenario runs in
one run (\`pnpm bench\`) against the same fake OpenAI-wire servers from \`@aimux/ai-testing\`,
on 127.0.0.1 in a child process of their own, with a fixed small reply and no artificial latency.
Raw and aimux calls are interleaved in rounds after a warm-up, so that they see the same machine
state. The goals come from the benchmark issue; they are goals, not tests.

- Machine: ${host.cpu}, ${host.cores} cores
- Node: ${host.node}
- Date: ${host.date}
- Run time: ${seconds.toFixed(0)} s${quick ? ' (quick run, a tenth of the calls)' : ''}

Scaled down or left out:

${scaledDown.map((line) => `- ${line}`).join('\n')}

How to read it: "wall ratio" is the subject's wall time over the raw SDK's for the same calls and
"added CPU us" this process's CPU time per call (user + system, \`process.cpuUsage\`) minus the raw
SDK's, each the median of twenty rounds in which the subjects take turns; the "min–max" columns
give the lowest and the highest of those rounds. The fake servers' CPU is not counted. Latencies are per call, in milliseconds. Conversation sends open a fresh conversation every 10 sends (a send carries the conversation's history). Memory
runs each configuration in a fresh process, 20 calls at a time, and samples RSS and the V8 heap
in use after a garbage collection at every tenth of the run. Store writes go in batches of 2,000
records, the most the usage sink writes at once (it does above 100,000 records a second). Budget contention: 8 processes, each with its own PostgreSQL
store on one schema, reserve and settle against the same spend counter.

Where the time goes. "aimux's own work per call" runs the same calls against a provider that
answers at once in-process (no HTTP, no SDK): what is left is aimux itself, request validation,
routing, the middleware chain, cost, events and the usage record. It is about 20-35 us of CPU
per call without budgets, against 400-900 us for the raw SDK's HTTP round trip on this machine.
Over the wire a little more shows up (more promise hand-offs around the SDK call, a larger
heap to collect), and the spread of a shared 2-core VM: the raw SDK's own CPU per call moves by
100 us and more between runs, which is why the ratios are medians of twenty interleaved rounds.
Every SDK call gets the call's AbortSignal, since timeouts are on by default and \`ai.close()\`
can abort any call: the SDK composes it with its own (\`AbortSignal.any\`) and fetch listens to
the result, about 10-25 us a call against a call without a signal. With budgets and
rate limits on, a call reserves its estimate in a budget lease (a slice of the budget reserved in
SQLite for many calls, spent in memory: see docs/budgets.md), so the store sees one reservation
and one settlement per lease rather than per call, and the threshold check reads the counters at
most once a second; "added CPU us over SQLite" is what budgets and rate limits add to the SQLite
configuration in the same round. The rate limiter counts each call into per-second and
per-minute buckets. Usage records of calls made one after
another share one store transaction (the sink collects up to 20 ms of them). The in-memory store
keeps the latest 10,000 usage records, so the heap in use stays flat over 100,000 calls; RSS sits
well above it because V8 keeps the heap it grew to. Memory under distinct users and models sends
a million calls, each from a user id and to a model string not seen before, through rate limits
per user (per minute and per day) and per model and a circuit breaker, with a provider that
answers in-process, and samples the heap in use after a garbage collection before the first call
and at every tenth: rate-limit counters and circuits are bounded (\`rateLimits.maxCounters\`,
10,000 circuits), so the heap rises until the bound is reached and then stays flat. Before they
were bounded, 100,000 such calls grew the heap by 333 MB, a counter of 1.4 KB per user and per
model, and it kept growing.

Gateway: the same call through the \`openai\` SDK straight to the upstream, through a bare Node.js
proxy (\`node:http\` in, \`fetch\` out: the floor of one more HTTP hop on this machine) and through
one \`@aimux/gateway\` process (a virtual key, metrics on), each proxy in a process of its own;
"added" is the subject's percentile less the direct call's in the same round, the median round,
and "proxy CPU us/call" the proxy process's CPU time per call. \`node bench/gateway.ts\` runs it alone.

Dashboard queries: 1,000,000 usage records (30 days, 8 models, 500 users in 20 tenants) written
through each store's \`recordUsage\` into a new SQLite file and a new PostgreSQL schema, then each
query the dashboard's overview asks, once to warm up and 10 times measured. A query without exact
percentiles reads the per-day sums and latency buckets (by model since schema version 5, by user
otherwise) for whole days and the records for the partial days at its ends; sums and counts are exact, approximate percentiles are
within a bucket (about 5%). Then whole pages (overview at 24 h, 7 d and 30 d, budgets) through
the gateway's Hono app, signed in through the login form, the HTML read to its end; the records
end when the bench starts, as the pages ask at the real time. \`node bench/dashboard-queries.ts
[records]\` runs it alone.

${body}

Raw numbers: \`bench/results/latest.json\`.

${notes(notesPath)}`
}

const output = text()
console.log(`\n${output}\n\nscaled down: ${scaledDown.join('; ')}\n${seconds.toFixed(0)} s in all`)
const root = join(import.meta.dirname, '..')
mkdirSync(join(root, 'bench/results'), { recursive: true })
const json = { machine: host, quick, counts, scaledDown, seconds: Math.round(seconds), rows }
writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(json, null, 2)}\n`)
writeFileSync(join(root, 'docs/benchmarks.md'), markdown(join(root, 'docs/benchmarks.md')))
writeFileSync(join(root, 'docs/benchmarks-overhead.svg'), overheadChart(rows))
writeFileSync(join(root, 'docs/benchmarks-memory.svg'), memoryChart(rows))
