import type { PriceEntry } from '../../cost/price-catalog.js'
import type { ModelInfo } from '../../spec/model.js'
import type { CatalogStore } from '../catalog-store.js'
import { compareStrings } from '../kit/compare-strings.js'

/** Models and dated prices, in memory. */
export function createMemoryCatalogStore(): CatalogStore {
  const models = new Map<string, ModelInfo>()
  const prices = new Map<string, PriceEntry>()

  return {
    async upsertModels(batch) {
      for (const model of batch)
        models.set(JSON.stringify([model.provider, model.id]), structuredClone(model))
    },

    async listModels(filter = {}) {
      return [...models.values()]
        .filter((m) => filter.provider === undefined || m.provider === filter.provider)
        .sort((a, b) => compareStrings(a.provider, b.provider) || compareStrings(a.id, b.id))
        .map((m) => structuredClone(m))
    },

    async getModel(provider, id) {
      const model = models.get(JSON.stringify([provider, id]))
      return model && structuredClone(model)
    },

    async upsertPrices(entries) {
      for (const entry of entries) {
        const key = JSON.stringify([entry.provider, entry.model, entry.effectiveFrom.getTime()])
        prices.set(key, structuredClone(entry))
      }
    },

    async listPrices(filter = {}) {
      return [...prices.values()]
        .filter(
          (p) =>
            (filter.provider === undefined || p.provider === filter.provider) &&
            (filter.model === undefined || p.model === filter.model),
        )
        .sort(
          (a, b) =>
            compareStrings(a.provider, b.provider) ||
            compareStrings(a.model, b.model) ||
            a.effectiveFrom.getTime() - b.effectiveFrom.getTime(),
        )
        .map((p) => structuredClone(p))
    },

    async getPrice(provider, model, at) {
      let found: PriceEntry | undefined
      for (const entry of prices.values()) {
        if (entry.provider !== provider || entry.model !== model) continue
        if (entry.effectiveFrom.getTime() > at.getTime()) continue
        if (!found || entry.effectiveFrom.getTime() > found.effectiveFrom.getTime()) found = entry
      }
      return found && structuredClone(found)
    },
  }
}
