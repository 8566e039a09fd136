import { type Html, html } from './html.js'

export function livePage(base: string): Html {
  return html`
    <p id="live-state" role="status" class="muted">Connecting...</p>
    <div class="table-wrap"><table id="live-table" data-src="${base}/live/events" aria-live="off">
      <caption>Requests as they happen, newest first (the last 200)</caption>
      <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Request</th><th scope="col">Model</th>
        <th scope="col">Scope</th><th scope="col">Status</th><th scope="col" class="num">Latency</th>
        <th scope="col" class="num">Cost</th></tr></thead>
      <tbody><tr id="live-empty"><td colspan="7" class="muted">Waiting for requests...</td></tr></tbody>
    </table></div>`
}
