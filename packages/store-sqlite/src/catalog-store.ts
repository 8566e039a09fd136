import type { CatalogStore, ModelInfo, PriceEntry } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  type ModelRow,
  modelsTable,
  type PriceRow,
  pricesTable,
  toModel,
  toModelRow,
  toPrice,
  toPriceRow,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/** Models and dated prices in SQLite, each kept as JSON under its key. */
export function createCatalogStore(db: Database): CatalogStore {
  const upsertModel = db.prepare<ModelRow>(
    `${insertSql(modelsTable)} ON CONFLICT (provider, id) DO UPDATE SET info = excluded.info`,
  )
  const selectModels = db.prepare<{ provider: string | null }, ModelRow>(
    'SELECT * FROM models WHERE @provider IS NULL OR provider = @provider ORDER BY provider, id',
  )
  const selectModel = db.prepare<[string, string], ModelRow>(
    'SELECT * FROM models WHERE provider = ? AND id = ?',
  )
  const upsertPrice = db.prepare<PriceRow>(
    `${insertSql(pricesTable)} ON CONFLICT (provider, model, effective_from) DO UPDATE SET price = excluded.price`,
  )
  const selectPrices = db.prepare<{ provider: string | null; model: string | null }, PriceRow>(
    `SELECT * FROM prices WHERE (@provider IS NULL OR provider = @provider) AND (@model IS NULL OR model = @model)
     ORDER BY provider, model, effective_from`,
  )
  const selectPrice = db.prepare<[string, string, unknown], PriceRow>(
    `SELECT * FROM prices WHERE provider = ? AND model = ? AND effective_from <= ?
     ORDER BY effective_from DESC LIMIT 1`,
  )

  const upsertModels = db.transaction((models: readonly ModelInfo[]) => {
    for (const model of models) upsertModel.run(toModelRow(model, codec))
  })
  const upsertPrices = db.transaction((entries: readonly PriceEntry[]) => {
    for (const entry of entries) upsertPrice.run(toPriceRow(entry, codec))
  })

  return {
    async upsertModels(models) {
      upsertModels.immediate(models)
    },

    async listModels(filter = {}) {
      return selectModels.all({ provider: filter.provider ?? null }).map((row) => toModel(row, codec))
    },

    async getModel(provider, id) {
      const row = selectModel.get(provider, id)
      return row && toModel(row, codec)
    },

    async upsertPrices(entries) {
      upsertPrices.immediate(entries)
    },

    async listPrices(filter = {}) {
      return selectPrices
        .all({ provider: filter.provider ?? null, model: filter.model ?? null })
        .map((row) => toPrice(row, codec))
    },

    async getPrice(provider, model, at) {
      const row = selectPrice.get(provider, model, codec.date.write(at))
      return row && toPrice(row, codec)
    },
  }
}
