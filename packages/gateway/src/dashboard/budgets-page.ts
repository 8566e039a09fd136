import type { AI, BudgetStatus } from '@aimux/ai-core'
import { formatPercent, formatUsd } from './format.js'
import { type Html, html } from './html.js'

/** A budget's standing, with its thresholds (ratios of the limit) when they are known. */
export interface BudgetRow extends BudgetStatus {
  thresholds: number[]
  /** (spent + reserved) / limit. */
  used: number
}

/** The share of the limit at which a budget without thresholds of its own counts as close. */
const CLOSE_AT = 0.8
/** The most users, tenants and projects whose budgets are looked up: the costliest of the month. */
const MAX_SCOPES = 50
const MONTH_MS = 31 * 86_400_000

const thresholdsOf = (status: BudgetStatus): number[] =>
  // Read when the core reports them with the status; the budget's own definition says them.
  ((status as BudgetStatus & { thresholds?: number[] }).thresholds ?? []).slice().sort((a, b) => a - b)

/**
 * Every budget that counts for someone seen in the usage of the last month (the costliest users,
 * tenants and projects), the global ones, and those of virtual keys, each once.
 */
export async function budgetRows(ai: AI, now: Date): Promise<BudgetRow[]> {
  const window = { from: new Date(now.getTime() - MONTH_MS), to: now }
  const top = { orderBy: 'cost', limit: MAX_SCOPES, percentiles: false } as const
  const [users, tenants, projects, keys] = await Promise.all([
    ai.usage.query({ ...window, groupBy: 'user', ...top }),
    ai.usage.query({ ...window, groupBy: 'tenant', ...top }),
    ai.usage.query({ ...window, groupBy: 'project', ...top }),
    ai.store.virtualKeys.list({ includeRevoked: false }),
  ])
  const lookups: Promise<{ statuses: BudgetStatus[]; thresholds?: number[][] }>[] = [
    ai.budgets.status({}).then((statuses) => ({ statuses })),
  ]
  const seen = (rows: { key: string }[], field: 'userId' | 'tenantId' | 'projectId') => {
    for (const row of rows)
      if (row.key !== '')
        lookups.push(ai.budgets.status({ [field]: row.key }).then((statuses) => ({ statuses })))
  }
  seen(users, 'userId')
  seen(tenants, 'tenantId')
  seen(projects, 'projectId')
  for (const key of keys) {
    const budgets = key.limits.budgets
    if (!budgets?.length) continue
    lookups.push(
      ai.budgets.status({}, { key: key.id, budgets }).then((statuses) => ({
        statuses: statuses.filter((s) => s.scope === 'key'),
        thresholds: budgets.map((b) => b.thresholds ?? []),
      })),
    )
  }
  const rows = new Map<string, BudgetRow>()
  for (const { statuses, thresholds } of await Promise.all(lookups)) {
    statuses.forEach((status, i) => {
      const id = `${status.scope}\u0000${status.scopeId}\u0000${status.period}\u0000${status.periodStart}`
      if (rows.has(id)) return
      const used =
        status.limitNanoUsd > 0 ? (status.spentNanoUsd + status.reservedNanoUsd) / status.limitNanoUsd : 1
      const own = thresholdsOf(status)
      rows.set(id, { ...status, thresholds: own.length ? own : (thresholds?.[i] ?? []), used })
    })
  }
  return [...rows.values()].sort((a, b) => b.used - a.used || a.scopeId.localeCompare(b.scopeId))
}

/** Close: past its first threshold (or 80% without thresholds); over: nothing remains. */
export function standing(row: BudgetRow): 'over' | 'close' | 'ok' {
  if (row.remainingNanoUsd === 0) return 'over'
  const first = row.thresholds.find((t) => t < 1) ?? CLOSE_AT
  return row.used >= first ? 'close' : 'ok'
}

const label = { over: 'At the limit', close: 'Close to the limit', ok: 'OK' } as const

export function budgetsPage(rows: BudgetRow[]): Html {
  const close = rows.filter((row) => standing(row) !== 'ok')
  return html`
    <p class="muted">Budgets in their current period, for the global scope, the users, tenants and projects
      seen in the last month's usage, and virtual keys. Reserved is held by calls still running.</p>
    <section aria-labelledby="close-title">
      <h2 id="close-title">Close to a limit</h2>
      ${
        close.length === 0
          ? html`<p>No budget is close to its limit.</p>`
          : html`<ul>${close.map(
              (row) => html`<li class="${standing(row) === 'over' ? 'over-limit' : 'close-to-limit'}">
                ${row.scope} <strong>${row.scopeId}</strong>: ${formatPercent(row.used)} of its ${row.period} limit
                (${formatUsd(row.spentNanoUsd + row.reservedNanoUsd)} of ${formatUsd(row.limitNanoUsd)})</li>`,
            )}</ul>`
      }
    </section>
    <h2>All budgets</h2>
    <div class="table-wrap"><table id="budgets-table">
      <caption>Spent, reserved and limit of each budget; thresholds passed are in bold</caption>
      <thead><tr>
        <th scope="col">Scope</th><th scope="col">Who</th><th scope="col">Period</th>
        <th scope="col" class="num">Spent</th><th scope="col" class="num">Reserved</th>
        <th scope="col" class="num">Limit</th><th scope="col" class="num">Remaining</th>
        <th scope="col">Used</th><th scope="col">Thresholds</th><th scope="col">Standing</th>
      </tr></thead>
      <tbody>
        ${
          rows.length === 0
            ? html`<tr><td colspan="10" class="muted">No budget applies to anyone seen in the usage.</td></tr>`
            : rows.map((row) => {
                const state = standing(row)
                return html`<tr>
                  <td>${row.scope}${row.hard ? '' : html` <span class="muted">(soft)</span>`}</td>
                  <th scope="row">${row.scopeId}</th>
                  <td>${row.period} from ${row.periodStart}</td>
                  <td class="num">${formatUsd(row.spentNanoUsd)}</td>
                  <td class="num">${formatUsd(row.reservedNanoUsd)}</td>
                  <td class="num">${formatUsd(row.limitNanoUsd)}</td>
                  <td class="num">${formatUsd(row.remainingNanoUsd)}</td>
                  <td><meter min="0" max="1" low="${row.thresholds.find((t) => t < 1) ?? CLOSE_AT}" high="0.999"
                    optimum="0" value="${Math.min(1, row.used)}"
                    aria-label="${row.scope} ${row.scopeId}: ${formatPercent(row.used)} used">${formatPercent(row.used)}</meter>
                    ${formatPercent(row.used)}</td>
                  <td>${
                    row.thresholds.length === 0
                      ? html`<span class="muted">none</span>`
                      : row.thresholds.map(
                          (t, i) =>
                            html`${i ? ', ' : ''}${row.used >= t ? html`<strong>${formatPercent(t)}</strong>` : formatPercent(t)}`,
                        )
                  }</td>
                  <td class="${state === 'over' ? 'over-limit' : state === 'close' ? 'close-to-limit' : ''}">${label[state]}</td>
                </tr>`
              })
        }
      </tbody>
    </table></div>`
}
