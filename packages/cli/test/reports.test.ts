import { formatUsd } from '@aimux/ai-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { miniCost, type Setup, setUp } from './fixtures.js'

// usage and budgets over the records of real chats: one-shot answers for two users and two
// models, and a failed call.

let setup: Setup
/** gpt-4o's price in this config: $2 in and $8 out per million tokens, in nano-USD a token. */
const fourCost = (input: number, output: number) => input * 2000 + output * 8000
const costs = { u1: miniCost(100, 50) + fourCost(200, 20), u2: miniCost(300, 10) }

beforeAll(async () => {
  setup = await setUp({
    prices: [{ provider: 'openai', model: 'gpt-4o', price: { input: 2, output: 8 } }],
    budgets: [
      // Soft: a hard budget this small would refuse the calls, whose estimate is above it.
      { scope: 'user', limitUsd: 0.002, period: 'month', hard: false },
      { scope: 'global', limitUsd: 5, period: 'day' },
    ],
  })
  const { server, project } = setup
  server.enqueue(
    { text: 'one', usage: { inputTokens: 100, outputTokens: 50 } },
    { text: 'two', usage: { inputTokens: 200, outputTokens: 20 } },
    { text: 'three', usage: { inputTokens: 300, outputTokens: 10 } },
    { error: { status: 400, message: 'Unsupported parameter' } },
  )
  expect((await project.run(['chat', '--user', 'u1', 'first'])).stdout).toBe('one\n')
  expect((await project.run(['chat', '--user', 'u1', '-m', 'openai:gpt-4o', 'second'])).stdout).toBe('two\n')
  expect((await project.run(['chat', '--user', 'u2', '--tenant', 'acme', 'third'])).stdout).toBe('three\n')
  expect((await project.run(['chat', '--user', 'u2', 'fourth'])).code).toBe(1)
}, 60_000)
afterAll(async () => {
  await setup.close()
})

interface Row {
  key: string
  requests: number
  errors: number
  errorRate: number
  inputTokens: number
  outputTokens: number
  costNanoUsd: number
  costUsd: string
  latencyP50Ms: number
  latencyP95Ms: number
  latencyP99Ms: number
}

describe('aimux usage', () => {
  it('--json: the total of every request, its cost exact', async () => {
    const result = await setup.project.run(['usage', '--json'])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as { rows: Row[]; total: Row; by: null }
    expect(report.by).toBeNull()
    expect(report.total).toMatchObject({
      key: 'total',
      requests: 4,
      errors: 1,
      errorRate: 0.25,
      inputTokens: 600,
      outputTokens: 80,
      costNanoUsd: costs.u1 + costs.u2,
      costUsd: formatUsd(costs.u1 + costs.u2).slice(1),
    })
    expect(report.rows).toEqual([report.total])
    expect(report.total.latencyP50Ms).toBeGreaterThan(0)
    expect(report.total.latencyP99Ms).toBeGreaterThanOrEqual(report.total.latencyP95Ms)
  })

  it('--by model: an aligned table with cost, tokens, latency percentiles and error rate, and a total', async () => {
    const result = await setup.project.run(['usage', '--by', 'model'])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^Usage from \S+ to \S+ \(exclusive\), by model$/)
    expect(lines[1]).toMatch(
      /^MODEL +REQUESTS +ERROR RATE +INPUT +CACHED +OUTPUT +REASONING +COST +P50 +P95 +P99$/,
    )
    const cells = lines.slice(2).map((line) => line.split(/ {2,}/))
    const [mini, four, total] = [costs.u2 + miniCost(100, 50), fourCost(200, 20), costs.u1 + costs.u2].map(
      formatUsd,
    )
    expect(cells.map((c) => c.slice(0, 7))).toEqual([
      ['gpt-4o', '1', '0.0%', '200', '0', '20', '0'],
      ['gpt-4o-mini', '3', '33.3%', '400', '0', '60', '0'],
      ['total', '4', '25.0%', '600', '0', '80', '0'],
    ])
    // Amounts are aligned on their decimal point, each exact.
    const money = cells.map((c) => c[7])
    expect(money.map((m) => Number(m?.slice(1)))).toEqual([four, mini, total].map((m) => Number(m?.slice(1))))
    expect(new Set(money.map((m) => m?.length)).size).toBe(1)
    for (const c of cells) expect(c.slice(8).every((cell) => /^[\d,]+ ms$/.test(cell))).toBe(true)
    // Every line of the table is as wide as its header: the columns line up.
    const widths = lines.slice(1).map((line) => line.length)
    expect(new Set(widths).size).toBe(1)
  })

  it('--by user --csv: the same data for scripts, exact nano-USD', async () => {
    const result = await setup.project.run(['usage', '--by', 'user', '--csv'])
    const [header, ...rows] = result.stdout.trimEnd().split('\n')
    expect(header?.split(',').slice(0, 4)).toEqual(['key', 'requests', 'errors', 'error_rate'])
    const columns = header?.split(',') ?? []
    const records = rows.map((row) =>
      Object.fromEntries(row.split(',').map((value, i) => [columns[i], value])),
    )
    expect(records.map((r) => [r.key, r.requests, r.errors, r.cost_nano_usd])).toEqual([
      ['u1', '2', '0', String(costs.u1)],
      ['u2', '2', '1', String(costs.u2)],
    ])
  })

  it('--by day keys rows by UTC date; filters narrow the records', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const byDay = JSON.parse((await setup.project.run(['usage', '--by', 'day', '--json'])).stdout) as {
      rows: Row[]
    }
    expect(byDay.rows.map((r) => [r.key, r.requests])).toEqual([[today, 4]])
    const u1 = JSON.parse(
      (await setup.project.run(['usage', '--user', 'u1', '--by', 'model', '--json'])).stdout,
    )
    expect(u1.rows.map((r: Row) => [r.key, r.costNanoUsd])).toEqual([
      ['gpt-4o', fourCost(200, 20)],
      ['gpt-4o-mini', miniCost(100, 50)],
    ])
  })

  it('--by provider and --by tenant, requests without a tenant under (none)', async () => {
    const byProvider = JSON.parse((await setup.project.run(['usage', '--by', 'provider', '--json'])).stdout)
    expect(byProvider.rows.map((r: Row) => [r.key, r.requests, r.costNanoUsd])).toEqual([
      ['openai', 4, costs.u1 + costs.u2],
    ])
    const byTenant = JSON.parse((await setup.project.run(['usage', '--by', 'tenant', '--json'])).stdout)
    expect(byTenant.rows.map((r: Row) => [r.key, r.requests, r.costNanoUsd])).toEqual([
      ['', 3, costs.u1],
      ['acme', 1, costs.u2],
    ])
    const table = (await setup.project.run(['usage', '--by', 'tenant'])).stdout.trimEnd().split('\n')
    expect(table.slice(1).map((line) => line.split(/ {2,}/).slice(0, 3))).toEqual([
      ['TENANT', 'REQUESTS', 'ERROR RATE'],
      ['(none)', '3', '33.3%'],
      ['acme', '1', '0.0%'],
      ['total', '4', '25.0%'],
    ])
  })

  it('a period with no requests says so', async () => {
    const result = await setup.project.run(['usage', '--from', '2020-01-01', '--to', '2020-01-31'])
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No requests from 2020-01-01T00:00:00.000Z to 2020-02-01T00:00:00.000Z (exclusive).\n',
    })
  })
})

describe('aimux budgets', () => {
  it("shows a user's budgets with spent, limit, remaining and a bar", async () => {
    const result = await setup.project.run(['budgets', '--scope', 'user:u1'])
    expect(result.code).toBe(0)
    const [header, user, global] = result.stdout.trimEnd().split('\n')
    expect(header).toMatch(/^BUDGET +PERIOD +SPENT +RESERVED +LIMIT +REMAINING +USED +KIND$/)
    const month = new Date().toISOString().slice(0, 8)
    const spent = formatUsd(costs.u1)
    const share = Math.floor((costs.u1 * 100) / 2_000_000)
    expect(user).toMatch(
      new RegExp(
        `^user u1 +month from ${month}01 +\\${spent} +\\$0\\.00 +\\$0\\.002 +\\S+ +[█░]{20} ${share}% +soft$`,
      ),
    )
    expect(user).toContain(`${'█'.repeat(Math.floor(share / 5))}${'░'.repeat(20 - Math.floor(share / 5))}`)
    expect(global).toMatch(/^global +day from \S+ +\$\S+ +\$0\.00 +\$5\.0+ +\$\S+ +[█░]{20} 0% +hard$/)
  })

  it('--json gives exact nano-USD for each budget', async () => {
    const result = await setup.project.run(['budgets', '--scope', 'user:u2', '--json'])
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({
        scope: 'user',
        scopeId: 'u2',
        period: 'month',
        hard: false,
        spentNanoUsd: costs.u2,
        reservedNanoUsd: 0,
        limitNanoUsd: 2_000_000,
        remainingNanoUsd: 2_000_000 - costs.u2,
      }),
      expect.objectContaining({ scope: 'global', spentNanoUsd: costs.u1 + costs.u2, hard: true }),
    ])
  })

  it('without a scope, the global budgets only', async () => {
    const result = JSON.parse((await setup.project.run(['budgets', '--json'])).stdout)
    expect(result.map((b: { scope: string }) => b.scope)).toEqual(['global'])
  })
})
