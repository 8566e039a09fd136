import type { CatalogStore, ModelInfo, ModelPrice, PriceEntry } from '@aimux/ai-core'
import type { Pool } from 'pg'

interface ModelRow {
  provider: string
  id: string
  info: Omit<ModelInfo, 'provider' | 'id'>
}

interface PriceRow {
  provider: string
  model: string
  effective_from: Date
  price: ModelPrice
}

/** Models and dated prices in PostgreSQL, each kept as jsonb under its key. */
export function createCatalogStore(pool: Pool, s: string): CatalogStore {
  return {
    async upsertModels(models) {
      const latest = lastByKey(models, (m) => [m.provider, m.id])
      if (latest.length === 0) return
      await pool.query(
        `INSERT INTO ${s}.models (provider, id, info)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
         ON CONFLICT (provider, id) DO UPDATE SET info = excluded.info`,
        [
          latest.map((m) => m.provider),
          latest.map((m) => m.id),
          latest.map(({ provider: _provider, id: _id, ...info }) => JSON.stringify(info)),
        ],
      )
    },

    async listModels(filter = {}) {
      const { rows } = await pool.query<ModelRow>(
        `SELECT * FROM ${s}.models WHERE $1::text IS NULL OR provider = $1::text ORDER BY provider, id`,
        [filter.provider ?? null],
      )
      return rows.map(toModel)
    },

    async getModel(provider, id) {
      const { rows } = await pool.query<ModelRow>(
        `SELECT * FROM ${s}.models WHERE provider = $1 AND id = $2`,
        [provider, id],
      )
      return rows[0] && toModel(rows[0])
    },

    async upsertPrices(entries) {
      const latest = lastByKey(entries, (e) => [e.provider, e.model, e.effectiveFrom.getTime()])
      if (latest.length === 0) return
      await pool.query(
        `INSERT INTO ${s}.prices (provider, model, effective_from, price)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
         ON CONFLICT (provider, model, effective_from) DO UPDATE SET price = excluded.price`,
        [
          latest.map((e) => e.provider),
          latest.map((e) => e.model),
          latest.map((e) => e.effectiveFrom),
          latest.map((e) => JSON.stringify(e.price)),
        ],
      )
    },

    async listPrices(filter = {}) {
      const { rows } = await pool.query<PriceRow>(
        `SELECT * FROM ${s}.prices
         WHERE ($1::text IS NULL OR provider = $1::text) AND ($2::text IS NULL OR model = $2::text)
         ORDER BY provider, model, effective_from`,
        [filter.provider ?? null, filter.model ?? null],
      )
      return rows.map(toPrice)
    },

    async getPrice(provider, model, at) {
      const { rows } = await pool.query<PriceRow>(
        `SELECT * FROM ${s}.prices WHERE provider = $1 AND model = $2 AND effective_from <= $3
         ORDER BY effective_from DESC LIMIT 1`,
        [provider, model, at],
      )
      return rows[0] && toPrice(rows[0])
    },
  }
}

/** The last of the items sharing a key: one INSERT may not touch a row twice, and the last one wins. */
function lastByKey<T>(items: readonly T[], key: (item: T) => unknown[]): T[] {
  return [...new Map(items.map((item) => [JSON.stringify(key(item)), item])).values()]
}

function toModel(row: ModelRow): ModelInfo {
  return { provider: row.provider, id: row.id, ...row.info }
}

function toPrice(row: PriceRow): PriceEntry {
  return {
    provider: row.provider,
    model: row.model,
    effectiveFrom: new Date(row.effective_from),
    price: row.price,
  }
}
