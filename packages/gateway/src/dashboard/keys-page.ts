import type { VirtualKey } from '@aimux/ai-core'
import type { IssueKeyInput } from '../keys/issue-key-input.js'
import { keyStatus } from '../keys/key-status.js'
import { formatTime } from './format.js'
import { type Html, html } from './html.js'
import { csrfField } from './layout.js'
import { type Notice, noticeBlock } from './notice.js'

export interface KeysView {
  keys: VirtualKey[]
  csrfToken: string
  notice?: Notice
  /** A key just issued: its secret is in this one answer only. */
  issued?: { key: VirtualKey; secret: string }
  now: Date
}

const text = (form: Record<string, unknown>, name: string): string | undefined => {
  const value = form[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}
const number = (form: Record<string, unknown>, name: string): number | undefined => {
  const value = text(form, name)
  return value === undefined ? undefined : Number(value)
}

/**
 * The issue form's fields as the admin API's input, so that the same schema and the same
 * `issueVirtualKey()` check and issue it; empty fields are left out.
 */
export function issueKeyFromForm(form: Record<string, unknown>): IssueKeyInput {
  const input: IssueKeyInput = {}
  const name = text(form, 'name')
  if (name) input.name = name
  const scope = {
    ...(text(form, 'tenantId') ? { tenantId: text(form, 'tenantId') } : {}),
    ...(text(form, 'userId') ? { userId: text(form, 'userId') } : {}),
    ...(text(form, 'projectId') ? { projectId: text(form, 'projectId') } : {}),
  }
  if (Object.keys(scope).length) input.scope = scope
  const models = text(form, 'models')
    ?.split(/[\s,]+/)
    .filter(Boolean)
  if (models?.length) input.models = models
  const limitUsd = number(form, 'budgetUsd')
  const rpm = number(form, 'requestsPerMinute')
  if (limitUsd !== undefined || rpm !== undefined) {
    input.limits = {
      ...(limitUsd === undefined
        ? {}
        : { budgets: [{ limitUsd, period: (text(form, 'budgetPeriod') ?? 'month') as 'month' }] }),
      ...(rpm === undefined ? {} : { requestsPerMinute: rpm }),
    }
  }
  const days = number(form, 'expiresInDays')
  if (days !== undefined) input.expiresInDays = days
  return input
}

function scopeText(scope: VirtualKey['scope']): string {
  const parts = Object.entries(scope).map(([field, value]) => `${field.replace(/Id$/, '')} ${value}`)
  return parts.length ? parts.join(', ') : '–'
}

export function keysPage(base: string, view: KeysView): Html {
  const { csrfToken, issued, now } = view
  return html`${noticeBlock(view.notice)}
    ${
      issued
        ? html`<section class="card" aria-labelledby="secret-title" id="issued">
            <h2 id="secret-title">Key ${issued.key.name ?? issued.key.id} issued</h2>
            <p>Copy its secret now: it is shown this once, and only its hash is stored.</p>
            <label for="secret">Secret</label>
            <output id="secret" class="secret" aria-live="polite">${issued.secret}</output>
          </section>`
        : ''
    }
    <div class="table-wrap"><table id="keys-table">
      <caption>Virtual keys of the gateway</caption>
      <thead><tr>
        <th scope="col">Key</th><th scope="col">Prefix</th><th scope="col">Scope</th><th scope="col">Models</th>
        <th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col">Actions</th>
      </tr></thead>
      <tbody>
        ${
          view.keys.length === 0
            ? html`<tr><td colspan="8" class="muted">No keys yet.</td></tr>`
            : view.keys.map((key) => {
                const status = keyStatus(key, now)
                return html`<tr data-key="${key.id}">
                  <th scope="row">${key.name ?? ''}<br /><code class="muted">${key.id}</code></th>
                  <td><code>${key.prefix}…</code></td>
                  <td>${scopeText(key.scope)}</td>
                  <td>${key.models?.join(', ') ?? html`<span class="muted">all</span>`}</td>
                  <td>${formatTime(key.createdAt)}</td>
                  <td>${key.expiresAt ? formatTime(key.expiresAt) : html`<span class="muted">never</span>`}</td>
                  <td class="${status === 'valid' ? 'status-active' : 'status-disabled'}" data-field="status">${status}</td>
                  <td>${
                    status === 'valid'
                      ? html`<form method="post" action="${base}/keys/${encodeURIComponent(key.id)}/revoke" class="inline"
                          data-confirm="Revoke key ${key.name ?? key.id}? Clients using it stop working at once.">
                          ${csrfField(csrfToken)}<button type="submit" aria-label="Revoke ${key.name ?? key.id}">Revoke</button></form>`
                      : ''
                  }</td>
                </tr>`
              })
        }
      </tbody>
    </table></div>
    <h2 id="issue-title">Issue a key</h2>
    <form method="post" action="${base}/keys" class="card" aria-labelledby="issue-title">
      ${csrfField(csrfToken)}
      <div class="fields">
        <label>Name <input name="name" autocomplete="off" maxlength="200" /></label>
        <label>Tenant <input name="tenantId" autocomplete="off" /></label>
        <label>User <input name="userId" autocomplete="off" /></label>
        <label>Project <input name="projectId" autocomplete="off" /></label>
        <label>Models (comma-separated; empty: all) <input name="models" autocomplete="off" placeholder="openai:*" /></label>
        <label>Budget in USD <input name="budgetUsd" type="number" min="0" step="any" /></label>
        <label>Budget period
          <select name="budgetPeriod">
            <option value="day">day</option><option value="week">week</option>
            <option value="month" selected>month</option><option value="total">total</option>
          </select></label>
        <label>Requests per minute <input name="requestsPerMinute" type="number" min="1" step="1" /></label>
        <label>Expires in days <input name="expiresInDays" type="number" min="0" step="any" /></label>
      </div>
      <button type="submit">Issue key</button>
    </form>`
}
