import type { CatalogStore, ModelInfo, PriceEntry } from '@aimux/ai-core'
import type { Database } from 'better-sqlite3'

interface ModelRow {
  provider: string
  id: string
  info: string
}

interface PriceRow {
  provider: string
  model: string
  effective_from: number
  price: string
}

/** Models and dated prices in SQLite, each kept as JSON under its key. */
export function createCatalogStore(db: Database): CatalogStore {
  const upsertModel = db.prepare<{ provider: string; id: string; info: string }>(
    `INSERT INTO models (provider, id, info) VALUES (@provider, @id, @info)
     ON CONFLICT (provider, id) DO UPDATE SET info = excluded.info`,
  )
  const selectModels = db.prepare<{ provider: string | null }, ModelRow>(
    'SELECT * FROM models WHERE @provider IS NULL OR provider = @provider ORDER BY provider, id',
  )
  const selectModel = db.prepare<[string, string], ModelRow>(
    'SELECT * FROM models WHERE provider = ? AND id = ?',
  )
  const upsertPrice = db.prepare<{ provider: string; model: string; effectiveFrom: number; price: string }>(
    `INSERT INTO prices (provider, model, effective_from, price) VALUES (@provider, @model, @effectiveFrom, @price)
     ON CONFLICT (provider, model, effective_from) DO UPDATE SET price = excluded.price`,
  )
  const selectPrices = db.prepare<{ provider: string | null; model: string | null }, PriceRow>(
    `SELECT * FROM prices WHERE (@provider IS NULL OR provider = @provider) AND (@model IS NULL OR model = @model)
     ORDER BY provider, model, effective_from`,
  )
  const selectPrice = db.prepare<[string, string, number], PriceRow>(
    `SELECT * FROM prices WHERE provider = ? AND model = ? AND effective_from <= ?
     ORDER BY effective_from DESC LIMIT 1`,
  )

  const upsertModels = db.transaction((models: readonly ModelInfo[]) => {
    for (const { provider, id, ...info } of models)
      upsertModel.run({ provider, id, info: JSON.stringify(info) })
  })
  const upsertPrices = db.transaction((entries: readonly PriceEntry[]) => {
    for (const entry of entries) {
      upsertPrice.run({
        provider: entry.provider,
        model: entry.model,
        effectiveFrom: entry.effectiveFrom.getTime(),
        price: JSON.stringify(entry.price),
      })
    }
  })

  return {
    async upsertModels(models) {
      upsertModels.immediate(models)
    },

    async listModels(filter = {}) {
      return selectModels.all({ provider: filter.provider ?? null }).map(toModel)
    },

    async getModel(provider, id) {
      const row = selectModel.get(provider, id)
      return row && toModel(row)
    },

    async upsertPrices(entries) {
      upsertPrices.immediate(entries)
    },

    async listPrices(filter = {}) {
      return selectPrices.all({ provider: filter.provider ?? null, model: filter.model ?? null }).map(toPrice)
    },

    async getPrice(provider, model, at) {
      const row = selectPrice.get(provider, model, at.getTime())
      return row && toPrice(row)
    },
  }
}

function toModel(row: ModelRow): ModelInfo {
  return { provider: row.provider, id: row.id, ...JSON.parse(row.info) }
}

function toPrice(row: PriceRow): PriceEntry {
  return {
    provider: row.provider,
    model: row.model,
    effectiveFrom: new Date(row.effective_from),
    price: JSON.parse(row.price),
  }
}
