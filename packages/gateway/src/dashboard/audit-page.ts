import type { AuditOutcome, AuditQuery, AuditRecord, Page } from '@aimux/ai-core'
import { formatCount, formatTime, formatUsd } from './format.js'
import { type Html, html } from './html.js'
import { RANGES, type RangeName, type TimeRange } from './time-range.js'

/** How many records a page of the Audit page holds. */
export const AUDIT_PAGE_SIZE = 50

/** The page's filters, as they appear in its query string. */
export interface AuditFilter {
  range: RangeName
  userId?: string
  tenantId?: string
  model?: string
  outcome?: AuditOutcome
}

/** The filter from the query string: an unknown outcome shows every outcome, not an error page. */
export function auditFilter(range: RangeName, query: (name: string) => string | undefined): AuditFilter {
  const text = (name: string) => query(name)?.trim() || undefined
  const outcome = query('outcome')
  const userId = text('userId')
  const tenantId = text('tenantId')
  const model = text('model')
  return {
    range,
    ...(userId ? { userId } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(model ? { model } : {}),
    ...(outcome === 'success' || outcome === 'error' ? { outcome } : {}),
  }
}

/** The plugin's query for the filter over the range: what both the page and the download read. */
export function auditQuery(filter: AuditFilter, range: TimeRange): Omit<AuditQuery, 'limit' | 'cursor'> {
  const { range: _, ...rest } = filter
  return { from: range.from, to: range.to, ...rest }
}

const queryString = (filter: AuditFilter, extra: Record<string, string> = {}) => {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(name, value)
  return `?${params.toString()}`
}

function modelOf(r: AuditRecord): string {
  if (!r.model) return r.requestedModel ?? ''
  return r.provider ? `${r.provider}:${r.model}` : r.model
}

/**
 * The audit trail over the chosen range, newest first, a page at a time: who called which model,
 * the outcome, tokens and cost. Prompts and answers are never shown here, only the start of
 * their hashes; the download has the records whole.
 */
export function auditPage(
  base: string,
  filter: AuditFilter,
  range: TimeRange,
  page: Page<AuditRecord>,
  cursor?: string,
): Html {
  return html`
    <nav class="range" aria-label="Time range">
      ${Object.entries(RANGES).map(
        ([name, r]) =>
          html`<a href="${base}/audit${queryString({ ...filter, range: name as RangeName })}"
            aria-current="${name === filter.range ? 'true' : 'false'}" aria-label="${r.label}">${name}</a>`,
      )}
    </nav>
    <p class="muted">${RANGES[range.name].label}: ${range.from.toISOString().slice(0, 16).replace('T', ' ')} to
      ${range.to.toISOString().slice(0, 16).replace('T', ' ')} UTC.</p>
    <form method="get" action="${base}/audit" class="card" aria-label="Filter the audit trail">
      <input type="hidden" name="range" value="${filter.range}" />
      <div class="fields">
        <label>User <input name="userId" value="${filter.userId ?? ''}" autocomplete="off" /></label>
        <label>Tenant <input name="tenantId" value="${filter.tenantId ?? ''}" autocomplete="off" /></label>
        <label>Model <input name="model" value="${filter.model ?? ''}" autocomplete="off" placeholder="the provider's model id" /></label>
        <label>Outcome
          <select name="outcome">
            <option value="">any</option>
            ${(['success', 'error'] as const).map(
              (o) => html`<option value="${o}"${filter.outcome === o ? html` selected` : ''}>${o}</option>`,
            )}
          </select></label>
      </div>
      <button type="submit">Show</button>
    </form>
    <p><a href="${base}/audit/export${queryString(filter)}" download="aimux-audit.jsonl" id="audit-download">Download JSON lines</a>
      <span class="muted">(every record of the range and filters, as the plugin's export writes them)</span></p>
    <div class="table-wrap"><table id="audit-table">
      <caption>Audit records, newest first</caption>
      <thead><tr>
        <th scope="col">Time</th><th scope="col">User</th><th scope="col">Tenant</th><th scope="col">Model</th>
        <th scope="col">Operation</th><th scope="col">Outcome</th><th scope="col" class="num">Tokens in / out</th>
        <th scope="col" class="num">Cost</th><th scope="col">Request</th><th scope="col">Prompt hash</th>
      </tr></thead>
      <tbody>
        ${
          page.items.length === 0
            ? html`<tr><td colspan="10" class="muted">No audit records.</td></tr>`
            : page.items.map(
                (r) => html`<tr data-audit="${r.id}">
                  <th scope="row">${formatTime(r.createdAt)}</th>
                  <td>${r.userId ?? ''}</td>
                  <td>${r.tenantId ?? ''}</td>
                  <td><code>${modelOf(r)}</code></td>
                  <td>${r.operation}${r.stream ? ' (stream)' : ''}</td>
                  <td class="status-${r.outcome === 'success' ? 'ok' : 'error'}" data-field="outcome">${r.outcome}${
                    r.outcome === 'error' && (r.errorCode || r.error)
                      ? html`<br /><span class="muted">${[r.errorCode, r.error].filter(Boolean).join(': ')}</span>`
                      : ''
                  }</td>
                  <td class="num">${formatCount(r.inputTokens)} / ${formatCount(r.outputTokens)}</td>
                  <td class="num">${formatUsd(r.costNanoUsd)}</td>
                  <td><code>${r.requestId}</code></td>
                  <td><code title="SHA-256 of the prompt">${r.promptSha256.slice(0, 12)}</code></td>
                </tr>`,
              )
        }
      </tbody>
    </table></div>
    <p>${cursor ? html`<a href="${base}/audit${queryString(filter)}">Newest records</a> ` : ''}${
      page.nextCursor
        ? html`<a href="${base}/audit${queryString(filter, { cursor: page.nextCursor })}" rel="next">Older records</a>`
        : ''
    }</p>`
}
