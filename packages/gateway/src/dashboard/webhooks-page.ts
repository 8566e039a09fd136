import type { WebhookDeliveryStatus } from '@aimux/ai-core'
import { formatTime } from './format.js'
import { type Html, html } from './html.js'
import { csrfField } from './layout.js'
import { type Notice, noticeBlock } from './notice.js'
import type { DashboardDelivery, DeliveriesFilter } from './webhooks-api.js'

const STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'delivered', 'dead']

/** How many deliveries the page lists, newest first. */
export const DELIVERIES_SHOWN = 200

export interface WebhooksView {
  filter: DeliveriesFilter
  deliveries: DashboardDelivery[]
  csrfToken: string
  notice?: Notice
}

/** The filter from the query string: an unknown status shows every status, not an error page. */
export function deliveriesFilter(query: (name: string) => string | undefined): DeliveriesFilter {
  const status = query('status')
  const endpoint = query('endpoint')?.trim()
  const event = query('event')?.trim()
  return {
    ...(status && (STATUSES as readonly string[]).includes(status)
      ? { status: status as WebhookDeliveryStatus }
      : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(event ? { event } : {}),
  }
}

function lastAnswer(d: DashboardDelivery): Html | string {
  if (d.lastStatus === undefined && d.lastError === undefined)
    return html`<span class="muted">none yet</span>`
  const status = d.lastStatus === undefined ? '' : `HTTP ${d.lastStatus}`
  // A delivered one's error is that of an earlier attempt: its answer is the status alone.
  const error = d.status !== 'delivered' && d.lastError && d.lastError !== status ? d.lastError : ''
  return [status, error].filter(Boolean).join(': ')
}

function when(d: DashboardDelivery): Html {
  if (d.status === 'delivered') return html`delivered ${formatTime(d.deliveredAt)}`
  if (d.status === 'pending') return html`next attempt ${formatTime(d.nextAttemptAt)}`
  return html`<span class="muted">no more attempts</span>`
}

/**
 * The webhook outbox: each delivery's endpoint, event, attempts, last answer and when it was
 * delivered or is tried next. The body is never shown (it is the event's data); the endpoint's
 * secret is not in a delivery at all. A dead delivery can be retried.
 */
export function webhooksPage(base: string, view: WebhooksView): Html {
  const { filter, deliveries, csrfToken } = view
  return html`${noticeBlock(view.notice)}
    <form method="get" action="${base}/webhooks" class="card" aria-label="Filter deliveries">
      <div class="fields">
        <label>Status
          <select name="status">
            <option value="">any</option>
            ${STATUSES.map((s) => html`<option value="${s}"${filter.status === s ? html` selected` : ''}>${s}</option>`)}
          </select></label>
        <label>Endpoint <input name="endpoint" value="${filter.endpoint ?? ''}" autocomplete="off" /></label>
        <label>Event <input name="event" value="${filter.event ?? ''}" autocomplete="off" placeholder="budget:threshold" /></label>
      </div>
      <button type="submit">Show</button>
    </form>
    <div class="table-wrap"><table id="deliveries-table">
      <caption>Webhook deliveries${filter.status ? html` (${filter.status})` : ''}, newest first</caption>
      <thead><tr>
        <th scope="col">Delivery</th><th scope="col">Endpoint</th><th scope="col">Event</th>
        <th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last answer</th>
        <th scope="col">Delivered or next</th><th scope="col">Created</th><th scope="col">Actions</th>
      </tr></thead>
      <tbody>
        ${
          deliveries.length === 0
            ? html`<tr><td colspan="9" class="muted">No deliveries.</td></tr>`
            : deliveries.map(
                (d) => html`<tr data-delivery="${d.id}">
                  <th scope="row"><code>${d.id}</code></th>
                  <td>${d.endpointId}</td>
                  <td>${d.event}</td>
                  <td class="delivery-${d.status}" data-field="status">${d.status}</td>
                  <td class="num">${d.attempts}</td>
                  <td data-field="last">${lastAnswer(d)}</td>
                  <td>${when(d)}</td>
                  <td>${formatTime(d.createdAt)}</td>
                  <td>${
                    d.status === 'dead'
                      ? html`<form method="post" action="${base}/webhooks/${encodeURIComponent(d.id)}/retry" class="inline">
                          ${csrfField(csrfToken)}<button type="submit" aria-label="Retry ${d.id}">Retry</button></form>`
                      : ''
                  }</td>
                </tr>`,
              )
        }
      </tbody>
    </table></div>
    ${
      deliveries.length >= DELIVERIES_SHOWN
        ? html`<p class="muted">The newest ${DELIVERIES_SHOWN} are shown; filter to see older ones.</p>`
        : ''
    }`
}
