import {
  formatUsd,
  formatUsdAligned,
  type UsageAggregate,
  type UsageGroupBy,
  type UsageQuery,
} from '@aimux/ai-core'
import { type Command, Option } from 'commander'
import { csv } from '../csv.js'
import { examples } from '../examples.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { note, print, printJson } from '../output.js'
import { parseDate } from '../parse-date.js'
import { table } from '../table.js'
import { UsageError } from '../usage-error.js'

interface UsageOptions {
  from?: string
  to?: string
  by?: UsageGroupBy
  user?: string
  tenant?: string
  project?: string
  provider?: string
  model?: string
  json?: boolean
  csv?: boolean
}

const DAY_MS = 24 * 60 * 60 * 1000

export function registerUsage(program: Command): void {
  const command = program
    .command('usage')
    .summary('cost, tokens, latency and error rate from the usage records')
    .description(
      'Requests, tokens, cost, latency percentiles and error rate from the stored usage records, in ' +
        'total or per model, provider, user, tenant or day (UTC).',
    )
    .option('--from <date>', 'from this date or time, inclusive (default: 30 days ago)')
    .option(
      '--to <date>',
      'up to this date, inclusive of the whole day, or this time, exclusive (default: now)',
    )
    .addOption(
      new Option('--by <group>', 'one row per group').choices(['model', 'provider', 'user', 'tenant', 'day']),
    )
    .option('--user <id>', "only this user's requests")
    .option('--tenant <id>', "only this tenant's requests")
    .option('--project <id>', "only this project's requests")
    .option('--provider <id>', "only this provider's requests")
    .option('--model <model>', 'only requests to this model id (without its provider)')
    .addOption(new Option('--json', 'the rows and the total as JSON').conflicts('csv'))
    .option('--csv', 'the rows as CSV, exact amounts in nano-USD and USD')
    .action(async (options: UsageOptions, cmd: Command) => {
      const to = options.to === undefined ? new Date() : parseDate(options.to, '--to', { endOfDay: true })
      const from =
        options.from === undefined ? new Date(to.getTime() - 30 * DAY_MS) : parseDate(options.from, '--from')
      if (from.getTime() > to.getTime()) throw new UsageError('--from is after --to')
      const filter: Omit<UsageQuery, 'from' | 'to' | 'groupBy'> = {
        ...(options.user ? { userId: options.user } : {}),
        ...(options.tenant ? { tenantId: options.tenant } : {}),
        ...(options.project ? { projectId: options.project } : {}),
        ...(options.provider ? { provider: options.provider } : {}),
        ...(options.model ? { model: options.model } : {}),
      }
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        const [total] = await ai.usage.query({ from, to, ...filter })
        const rows = options.by
          ? await ai.usage.query({ from, to, groupBy: options.by, ...filter })
          : total
            ? [total]
            : []
        if (options.json) {
          return printJson({
            from,
            to,
            by: options.by ?? null,
            rows: rows.map(withUsd),
            total: total ? withUsd(total) : null,
          })
        }
        if (options.csv) return print(toCsv(rows))
        const period = `${from.toISOString()} to ${to.toISOString()} (exclusive)`
        if (!total || total.requests === 0) return note(`No requests from ${period}.`)
        print(`Usage from ${period}${options.by ? `, by ${options.by}` : ''}`)
        print(toTable(options.by, rows, rows.length > 1 ? total : undefined))
      })
    })
  examples(command, [
    ['aimux usage', 'the last 30 days in total'],
    ['aimux usage --by model --from 2026-11-01', 'per model since November 1st'],
    ['aimux usage --by day --from 2026-11-01 --to 2026-11-30', 'per day in November'],
    ['aimux usage --by user --tenant acme --csv > acme.csv', "each of acme's users, for a spreadsheet"],
    ['aimux usage --by provider --json | jq ".rows[].costUsd"', 'for scripts'],
  ])
}

/** An aggregate with its cost also as an exact decimal string of USD. */
function withUsd(row: UsageAggregate) {
  return { ...row, costUsd: formatUsd(row.costNanoUsd).replace('$', '') }
}

const keyOf = (row: UsageAggregate) => (row.key === '' ? '(none)' : row.key)
const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`
const count = (value: number) => value.toLocaleString('en-US')
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`

function toTable(
  by: UsageGroupBy | undefined,
  rows: readonly UsageAggregate[],
  total: UsageAggregate | undefined,
): string {
  const all = total ? [...rows, total] : [...rows]
  const costs = formatUsdAligned(all.map((row) => row.costNanoUsd))
  const lines = all.map((row, i) => [
    row === total ? 'total' : keyOf(row),
    count(row.requests),
    percent(row.errorRate),
    count(row.inputTokens),
    count(row.cachedInputTokens),
    count(row.outputTokens),
    count(row.reasoningTokens),
    costs[i] ?? '',
    ms(row.latencyP50Ms),
    ms(row.latencyP95Ms),
    ms(row.latencyP99Ms),
  ])
  const right = { align: 'right' } as const
  return table(
    [
      { header: by ? by.toUpperCase() : '' },
      { header: 'REQUESTS', ...right },
      { header: 'ERROR RATE', ...right },
      { header: 'INPUT', ...right },
      { header: 'CACHED', ...right },
      { header: 'OUTPUT', ...right },
      { header: 'REASONING', ...right },
      { header: 'COST', ...right },
      { header: 'P50', ...right },
      { header: 'P95', ...right },
      { header: 'P99', ...right },
    ],
    lines,
  )
}

function toCsv(rows: readonly UsageAggregate[]): string {
  const header = [
    'key',
    'requests',
    'errors',
    'error_rate',
    'input_tokens',
    'cached_input_tokens',
    'cache_write_tokens',
    'output_tokens',
    'reasoning_tokens',
    'total_tokens',
    'cost_nano_usd',
    'cost_usd',
    'latency_p50_ms',
    'latency_p95_ms',
    'latency_p99_ms',
  ]
  return csv([
    header,
    ...rows.map((row) => [
      row.key,
      row.requests,
      row.errors,
      row.errorRate,
      row.inputTokens,
      row.cachedInputTokens,
      row.cacheWriteTokens,
      row.outputTokens,
      row.reasoningTokens,
      row.totalTokens,
      row.costNanoUsd,
      formatUsd(row.costNanoUsd).replace('$', ''),
      row.latencyP50Ms,
      row.latencyP95Ms,
      row.latencyP99Ms,
    ]),
  ])
}
