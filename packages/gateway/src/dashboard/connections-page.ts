import type { DashboardConnections } from './connections-api.js'
import { formatMs, formatPercent, formatTime } from './format.js'
import { type Html, html } from './html.js'
import { csrfField } from './layout.js'
import { type Notice, noticeBlock } from './notice.js'

type Listed = Awaited<ReturnType<DashboardConnections['list']>>[number]
type Health = Awaited<ReturnType<DashboardConnections['health']>>[number]

export interface ConnectionsView {
  /** Undefined when the instance has no rotation plugin. */
  connections?: { info: Listed; health: Health | undefined }[]
  providers: string[]
  csrfToken: string
  notice?: Notice
  now: Date
}

export async function connectionsView(
  api: DashboardConnections | undefined,
): Promise<ConnectionsView['connections']> {
  if (!api) return undefined
  const [list, health] = await Promise.all([api.list(), api.health()])
  const byId = new Map(health.map((h) => [h.connectionId, h]))
  return list
    .map((info) => ({ info, health: byId.get(info.id) }))
    .sort((a, b) => a.info.provider.localeCompare(b.info.provider) || b.info.priority - a.info.priority)
}

function actionForm(base: string, csrfToken: string, id: string, action: string, label: string): Html {
  return html`<form method="post" action="${base}/connections/${encodeURIComponent(id)}/${action}" class="inline">
    ${csrfField(csrfToken)}<button type="submit" aria-label="${label} ${id}">${label}</button></form>`
}

function successRate(health: Health | undefined): string {
  if (!health) return '–'
  const calls = health.successes + health.failures
  return calls === 0 ? '–' : formatPercent(health.successes / calls)
}

export function connectionsPage(base: string, view: ConnectionsView): Html {
  const { connections, csrfToken } = view
  if (!connections) {
    return html`${noticeBlock(view.notice)}
      <p>This instance has no rotation plugin, so it has no connections to manage: each provider uses
        its own key. Add <code>rotation()</code> from <code>@aimux/ai-rotation</code> to its plugins to manage
        many credentials per provider here.</p>`
  }
  return html`${noticeBlock(view.notice)}
    <div class="table-wrap"><table id="connections-table">
      <caption>Connections, their health and cooldown</caption>
      <thead><tr>
        <th scope="col">Connection</th><th scope="col">Provider</th><th scope="col">Status</th>
        <th scope="col" class="num">Priority</th><th scope="col" class="num">Success rate</th>
        <th scope="col" class="num">Calls</th><th scope="col" class="num">Avg latency</th>
        <th scope="col">Cooldown</th><th scope="col">Last error</th><th scope="col">Actions</th>
      </tr></thead>
      <tbody>
        ${
          connections.length === 0
            ? html`<tr><td colspan="10" class="muted">No connections yet.</td></tr>`
            : connections.map(({ info, health }) => {
                const coolingDown = health?.coolingDown && health.cooldownUntil
                return html`<tr data-connection="${info.id}">
                  <th scope="row">${info.name}<br /><code class="muted">${info.id}</code>
                    ${info.source === 'config' ? html`<br /><span class="muted">(from the options)</span>` : ''}</th>
                  <td>${info.provider}</td>
                  <td class="status-${info.status}" data-field="status">${info.status}${
                    info.disabledReason ? html`<br /><span class="muted">${info.disabledReason}</span>` : ''
                  }${info.usable ? '' : html`<br /><span class="error">not usable here${info.problem ? html`: ${info.problem}` : ''}</span>`}</td>
                  <td class="num">${info.priority}</td>
                  <td class="num">${successRate(health)}</td>
                  <td class="num">${health ? `${health.successes} ok, ${health.failures} failed` : '–'}</td>
                  <td class="num">${formatMs(health?.avgLatencyMs)}</td>
                  <td>${coolingDown ? html`until ${formatTime(health.cooldownUntil)}` : html`<span class="muted">none</span>`}</td>
                  <td>${
                    health?.lastError
                      ? html`${health.lastError}<br /><span class="muted">${formatTime(health.lastErrorAt)}</span>`
                      : html`<span class="muted">none</span>`
                  }</td>
                  <td>
                    ${info.status === 'active' ? '' : actionForm(base, csrfToken, info.id, 'enable', 'Enable')}
                    ${info.status === 'disabled' ? '' : actionForm(base, csrfToken, info.id, 'disable', 'Disable')}
                    ${info.status === 'active' ? actionForm(base, csrfToken, info.id, 'retire', 'Retire') : ''}
                  </td>
                </tr>`
              })
        }
      </tbody>
    </table></div>
    <h2 id="add-title">Add a connection</h2>
    <form method="post" action="${base}/connections" class="card" aria-labelledby="add-title">
      ${csrfField(csrfToken)}
      <div class="fields">
        <label>Provider
          <select name="provider" required>
            ${view.providers.map((p) => html`<option value="${p}">${p}</option>`)}
          </select></label>
        <label>Name <input name="name" autocomplete="off" /></label>
        <label>API key <input name="apiKey" type="password" required autocomplete="off" /></label>
        <label>Base URL <input name="baseURL" type="url" placeholder="the provider's default" /></label>
        <label>Priority <input name="priority" type="number" step="1" value="0" /></label>
      </div>
      <p class="muted">The key is encrypted with the rotation plugin's master key before it is stored, and never shown again.</p>
      <button type="submit">Add connection</button>
    </form>`
}
