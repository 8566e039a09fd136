import type { PriceEntry } from '../cost/price-catalog.js'
import type { ModelInfo } from '../spec/model.js'

// The catalog port: models and their prices with effective dates.

export interface CatalogStore {
  /** Inserts or replaces models by (provider, id). */
  upsertModels(models: readonly ModelInfo[]): Promise<void>
  listModels(filter?: { provider?: string }): Promise<ModelInfo[]>
  getModel(provider: string, id: string): Promise<ModelInfo | undefined>
  /** Inserts or replaces prices by (provider, model, effectiveFrom). */
  upsertPrices(entries: readonly PriceEntry[]): Promise<void>
  listPrices(filter?: { provider?: string; model?: string }): Promise<PriceEntry[]>
  /** The entry with the latest effectiveFrom at or before `at`. */
  getPrice(provider: string, model: string, at: Date): Promise<PriceEntry | undefined>
}
