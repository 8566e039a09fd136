import type { AI, ModelInfo, ModelPrice, PriceEntry } from '@aimux/ai-core'
import { formatTime } from './format.js'
import { type Html, html } from './html.js'
import { csrfField } from './layout.js'
import { type Notice, noticeBlock } from './notice.js'

export interface ModelsView {
  models: (ModelInfo & { current: ModelPrice | undefined })[]
  prices: PriceEntry[]
  /** When this process last synced the catalog, and what came of it (the providers that failed). */
  lastSync?: { at: Date; models: number; failed: string[] }
  csrfToken: string
  notice?: Notice
}

export async function modelsView(
  ai: AI,
  now: Date,
): Promise<Omit<ModelsView, 'csrfToken' | 'lastSync' | 'notice'>> {
  const [models, prices] = await Promise.all([ai.models.list(), ai.store.catalog.listPrices()])
  return {
    models: models
      .map((model) => ({ ...model, current: ai.models.price(`${model.provider}:${model.id}`, now) }))
      .sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id)),
    prices: prices.sort(
      (a, b) =>
        a.provider.localeCompare(b.provider) ||
        a.model.localeCompare(b.model) ||
        b.effectiveFrom.getTime() - a.effectiveFrom.getTime(),
    ),
  }
}

/** USD per million tokens, as providers publish them. */
const rate = (usd: number | undefined) => (usd === undefined ? '–' : `$${usd}`)
const capabilities = (model: ModelInfo) =>
  Object.entries(model.capabilities)
    .filter(([, on]) => on)
    .map(([name]) => name)
    .join(', ') || '–'

/** The latest time any model of the catalog was synced, by any instance sharing the store. */
function catalogSyncedAt(models: readonly ModelInfo[]): Date | undefined {
  let latest: Date | undefined
  for (const { syncedAt } of models) if (syncedAt && (!latest || syncedAt > latest)) latest = syncedAt
  return latest
}

export function modelsPage(base: string, view: ModelsView): Html {
  const { lastSync } = view
  const syncedAt = catalogSyncedAt(view.models)
  return html`${noticeBlock(view.notice)}
    <p id="catalog-synced">${
      syncedAt
        ? html`Catalog last synced ${formatTime(syncedAt)}.`
        : html`<span class="muted">The catalog has never been synced.</span>`
    }${
      lastSync?.failed.length
        ? html` This gateway's last sync (${formatTime(lastSync.at)}) failed for ${lastSync.failed.join(', ')}.`
        : ''
    }</p>
    <form method="post" action="${base}/models/sync" class="inline">
      ${csrfField(view.csrfToken)}<button type="submit">Sync models and prices now</button>
    </form>
    <h2>Catalog</h2>
    <div class="table-wrap"><table id="models-table">
      <caption>Models in the catalog, with the price in force now (USD per million tokens)</caption>
      <thead><tr><th scope="col">Model</th><th scope="col">Name</th><th scope="col" class="num">Context</th>
        <th scope="col">Capabilities</th><th scope="col" class="num">Input</th><th scope="col" class="num">Output</th>
        <th scope="col" class="num">Cached input</th><th scope="col">Synced</th></tr></thead>
      <tbody>
        ${
          view.models.length === 0
            ? html`<tr><td colspan="8" class="muted">The catalog is empty: sync it to list the providers' models.</td></tr>`
            : view.models.map(
                (m) => html`<tr>
                  <th scope="row"><code>${m.provider}:${m.id}</code>${m.deprecated ? html` <span class="muted">(deprecated)</span>` : ''}</th>
                  <td>${m.name ?? ''}</td>
                  <td class="num">${m.contextWindow?.toLocaleString('en-US') ?? '–'}</td>
                  <td>${capabilities(m)}</td>
                  <td class="num">${rate(m.current?.input)}</td>
                  <td class="num">${rate(m.current?.output)}</td>
                  <td class="num">${rate(m.current?.cachedInput)}</td>
                  <td>${m.syncedAt ? formatTime(m.syncedAt) : html`<span class="muted">never</span>`}</td>
                </tr>`,
              )
        }
      </tbody>
    </table></div>
    <h2>Price history</h2>
    <div class="table-wrap"><table id="prices-table">
      <caption>Stored prices with the date each takes effect (USD per million tokens)</caption>
      <thead><tr><th scope="col">Model</th><th scope="col">Effective from</th><th scope="col" class="num">Input</th>
        <th scope="col" class="num">Output</th><th scope="col" class="num">Cached input</th><th scope="col" class="num">Cache write</th></tr></thead>
      <tbody>
        ${
          view.prices.length === 0
            ? html`<tr><td colspan="6" class="muted">No stored prices: calls are priced from the built-in and configured prices.</td></tr>`
            : view.prices.map(
                (p) => html`<tr>
                  <th scope="row"><code>${p.provider}:${p.model}</code></th>
                  <td>${p.effectiveFrom.getTime() === 0 ? 'always' : formatTime(p.effectiveFrom)}</td>
                  <td class="num">${rate(p.price.input)}</td>
                  <td class="num">${rate(p.price.output)}</td>
                  <td class="num">${rate(p.price.cachedInput)}</td>
                  <td class="num">${rate(p.price.cacheWrite)}</td>
                </tr>`,
              )
        }
      </tbody>
    </table></div>`
}
