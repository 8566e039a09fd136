import type { AI, UsageAggregate } from '@aimux/ai-core'
import { mergeUsageAggregates, orderUsageAggregates } from '@aimux/ai-core/store-kit'
import { formatCount, formatMs, formatPercent, formatUsd } from './format.js'
import { type Html, html, jsonData } from './html.js'
import { bucketKey, RANGES, type RangeName, type TimeRange } from './time-range.js'

/** The most models the cost chart shows one by one; the rest add up under "other". */
const MAX_MODELS = 7

export interface OverviewData {
  range: TimeRange
  total: UsageAggregate | undefined
  /** One row per bucket (hour or day) with records. */
  series: UsageAggregate[]
  /** One row per bucket and model, keys [bucket, model]. */
  costByModel: UsageAggregate[]
  topUsers: UsageAggregate[]
  topTenants: UsageAggregate[]
}

/** How many users and tenants the top tables show. */
const TOP = 10

/**
 * The costliest `TOP` of one dimension of [tenant, user] rows: their sums added up (exact, they
 * are counts and integers) and ordered as the store orders `orderBy: 'cost'`, ties by key.
 */
function topOf(pairs: readonly UsageAggregate[], at: 0 | 1, window: { from: Date; to: Date }) {
  const rows = pairs.map((row) => {
    const key = row.keys[at] ?? ''
    return { ...row, key, keys: [key] }
  })
  return orderUsageAggregates(mergeUsageAggregates(rows), {
    ...window,
    groupBy: at === 0 ? 'tenant' : 'user',
    orderBy: 'cost',
    limit: TOP,
  })
}

/**
 * Four usage queries, whatever the number of records: the store aggregates, the page only draws.
 * The top users and tenants come from one query by tenant and user, which reads the records
 * once where two queries would read them twice (a synchronous store runs them one by one).
 */
export async function overviewData(ai: AI, range: TimeRange): Promise<OverviewData> {
  const window = { from: range.from, to: range.to }
  const [total, series, costByModel, people] = await Promise.all([
    // Exact percentiles over a day's records; over weeks, bucketed ones from the per-day tables.
    ai.usage.query({ ...window, percentiles: range.bucket === 'day' ? 'approximate' : true }),
    ai.usage.query({
      ...window,
      groupBy: range.bucket,
      percentiles: range.bucket === 'day' ? 'approximate' : true,
    }),
    ai.usage.query({ ...window, groupBy: [range.bucket, 'model'], percentiles: false }),
    ai.usage.query({ ...window, groupBy: ['tenant', 'user'], percentiles: false }),
  ])
  return {
    range,
    total: total[0],
    series,
    costByModel,
    topUsers: topOf(people, 1, window),
    topTenants: topOf(people, 0, window),
  }
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000)
const bucketLabel = (range: TimeRange, at: Date) =>
  range.bucket === 'day'
    ? at.toISOString().slice(0, 10)
    : `${at.toISOString().slice(0, 13).replace('T', ' ')}:00`

/** Cost per bucket for each of the costliest models, the others summed as "other". */
function costMatrix(data: OverviewData) {
  const byModel = new Map<string, number>()
  for (const row of data.costByModel) {
    const model = row.keys[1] ?? ''
    byModel.set(model, (byModel.get(model) ?? 0) + row.costNanoUsd)
  }
  const ranked = [...byModel.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const shown = ranked.slice(0, MAX_MODELS).map(([model]) => model)
  const columns = ranked.length > MAX_MODELS ? [...shown, 'other'] : shown
  const index = new Map(data.range.buckets.map((at, i) => [bucketKey(data.range.bucket, at), i]))
  const cells = columns.map(() => data.range.buckets.map(() => 0))
  for (const row of data.costByModel) {
    const i = index.get(row.keys[0] ?? '')
    if (i === undefined) continue
    const column = shown.includes(row.keys[1] ?? '') ? shown.indexOf(row.keys[1] ?? '') : columns.length - 1
    const line = cells[column]
    if (line) line[i] = (line[i] ?? 0) + row.costNanoUsd
  }
  return { columns, cells }
}

function rangePicker(base: string, current: RangeName): Html {
  return html`<nav class="range" aria-label="Time range">
    <span class="muted">Range:</span>
    ${Object.entries(RANGES).map(
      ([name, range]) =>
        html`<a href="${base}?range=${name}" aria-current="${name === current ? 'true' : 'false'}"
          aria-label="${range.label}">${name}</a>`,
    )}
  </nav>`
}

function topTable(caption: string, who: string, rows: UsageAggregate[]): Html {
  return html`<div class="table-wrap"><table>
    <caption>${caption}</caption>
    <thead><tr><th scope="col">${who}</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Error rate</th></tr></thead>
    <tbody>
      ${
        rows.length === 0
          ? html`<tr><td colspan="4" class="muted">No requests in this range.</td></tr>`
          : rows.map(
              (row) => html`<tr>
                <th scope="row">${row.key === '' ? html`<span class="muted">(none)</span>` : row.key}</th>
                <td class="num">${formatUsd(row.costNanoUsd)}</td>
                <td class="num">${formatCount(row.requests)}</td>
                <td class="num">${formatPercent(row.errorRate)}</td>
              </tr>`,
            )
      }
    </tbody>
  </table></div>`
}

export function overviewPage(base: string, data: OverviewData): Html {
  const { range, total } = data
  const x = range.buckets.map(seconds)
  const byBucket = new Map(data.series.map((row) => [row.keys[0] ?? row.key, row]))
  const rows = range.buckets.map((at) => ({ at, row: byBucket.get(bucketKey(range.bucket, at)) }))
  const cost = costMatrix(data)
  const unit = range.bucket === 'day' ? 'day' : 'hour'
  const costChart = {
    unit: 'usd',
    stacked: true,
    x,
    series: cost.columns.map((model, i) => ({
      label: model || '(unknown)',
      values: (cost.cells[i] ?? []).map((nano) => nano / 1e9),
    })),
  }
  const requestsChart = {
    unit: 'count',
    x,
    series: [
      { label: 'Requests', values: rows.map(({ row }) => row?.requests ?? 0) },
      { label: 'Errors', values: rows.map(({ row }) => row?.errors ?? 0) },
    ],
  }
  // A bucket without requests has no latency: a gap in the line, not a 0.
  const latency = (pick: (row: UsageAggregate) => number) => rows.map(({ row }) => (row ? pick(row) : null))
  const latencyChart = {
    unit: 'ms',
    x,
    series: [
      { label: 'p50', values: latency((r) => r.latencyP50Ms) },
      { label: 'p95', values: latency((r) => r.latencyP95Ms) },
      { label: 'p99', values: latency((r) => r.latencyP99Ms) },
    ],
  }
  return html`
    ${rangePicker(base, range.name)}
    <p class="muted">${RANGES[range.name].label}: ${range.from.toISOString().slice(0, 16).replace('T', ' ')} to
      ${range.to.toISOString().slice(0, 16).replace('T', ' ')} UTC, by ${unit}.</p>
    <dl class="tiles" aria-label="Totals for the range">
      <div><dt>Cost</dt><dd id="total-cost">${formatUsd(total?.costNanoUsd ?? 0)}</dd></div>
      <div><dt>Requests</dt><dd id="total-requests">${formatCount(total?.requests ?? 0)}</dd></div>
      <div><dt>Errors</dt><dd id="total-errors">${formatCount(total?.errors ?? 0)}
        <span class="muted">(${formatPercent(total?.errorRate ?? 0)})</span></dd></div>
      <div><dt>Latency p50</dt><dd>${formatMs(total?.requests ? total.latencyP50Ms : undefined)}</dd></div>
      <div><dt>Latency p95</dt><dd>${formatMs(total?.requests ? total.latencyP95Ms : undefined)}</dd></div>
      <div><dt>Latency p99</dt><dd>${formatMs(total?.requests ? total.latencyP99Ms : undefined)}</dd></div>
    </dl>
    <div class="grid">
      <section aria-labelledby="cost-title">
        <h2 id="cost-title">Cost per ${unit}, by model</h2>
        <figure data-chart="cost-data" aria-describedby="cost-table"><div class="chart" aria-hidden="true"></div></figure>
        ${jsonData('cost-data', costChart)}
      </section>
      <section aria-labelledby="requests-title">
        <h2 id="requests-title">Requests and errors</h2>
        <figure data-chart="requests-data" aria-describedby="series-table"><div class="chart" aria-hidden="true"></div></figure>
        ${jsonData('requests-data', requestsChart)}
      </section>
      <section aria-labelledby="latency-title">
        <h2 id="latency-title">Latency p50, p95, p99</h2>
        <figure data-chart="latency-data" aria-describedby="series-table"><div class="chart" aria-hidden="true"></div></figure>
        ${jsonData('latency-data', latencyChart)}
      </section>
      <section aria-labelledby="top-title">
        <h2 id="top-title">Top users and tenants by cost</h2>
        ${topTable('Top users', 'User', data.topUsers)}
        <br />
        ${topTable('Top tenants', 'Tenant', data.topTenants)}
      </section>
    </div>
    <h2>The numbers</h2>
    <div class="table-wrap"><table id="series-table">
      <caption>Requests, errors, latency and cost per ${unit}</caption>
      <thead><tr><th scope="col">${unit === 'day' ? 'Day (UTC)' : 'Hour (UTC)'}</th><th scope="col" class="num">Requests</th>
        <th scope="col" class="num">Errors</th><th scope="col" class="num">Error rate</th><th scope="col" class="num">p50</th>
        <th scope="col" class="num">p95</th><th scope="col" class="num">p99</th><th scope="col" class="num">Cost</th></tr></thead>
      <tbody>
        ${rows.map(
          ({ at, row }) => html`<tr>
            <th scope="row">${bucketLabel(range, at)}</th>
            <td class="num">${formatCount(row?.requests ?? 0)}</td>
            <td class="num">${formatCount(row?.errors ?? 0)}</td>
            <td class="num">${row ? formatPercent(row.errorRate) : '–'}</td>
            <td class="num">${formatMs(row?.latencyP50Ms)}</td>
            <td class="num">${formatMs(row?.latencyP95Ms)}</td>
            <td class="num">${formatMs(row?.latencyP99Ms)}</td>
            <td class="num">${formatUsd(row?.costNanoUsd ?? 0)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    <div class="table-wrap"><table id="cost-table">
      <caption>Cost per ${unit} and model</caption>
      <thead><tr><th scope="col">${unit === 'day' ? 'Day (UTC)' : 'Hour (UTC)'}</th>
        ${cost.columns.map((model) => html`<th scope="col" class="num">${model || '(unknown)'}</th>`)}</tr></thead>
      <tbody>
        ${range.buckets.map(
          (at, i) => html`<tr>
            <th scope="row">${bucketLabel(range, at)}</th>
            ${cost.cells.map((line) => html`<td class="num">${formatUsd(line[i] ?? 0)}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table></div>`
}
