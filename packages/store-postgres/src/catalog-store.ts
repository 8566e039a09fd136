import type { CatalogStore } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnNames,
  type ModelRow,
  modelsTable,
  type PriceRow,
  pricesTable,
  type SqlTable,
  toModel,
  toModelRow,
  toPrice,
  toPriceRow,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { columnArrays, unnestSql } from './table-sql.js'

/** Models and dated prices in PostgreSQL, each kept as jsonb under its key. */
export function createCatalogStore(pool: Pool, s: string): CatalogStore {
  /** Inserts the rows as one statement; a row whose key is stored already replaces its `set` column. */
  async function upsert<Row>(table: SqlTable<Row>, rows: readonly Row[], key: string, set: string) {
    const latest = lastByKey(rows, key.split(', ') as (keyof Row)[])
    if (latest.length === 0) return
    await pool.query(
      `INSERT INTO ${s}.${table.name} (${columnNames(table).join(', ')}) SELECT * FROM ${unnestSql(table)}
       ON CONFLICT (${key}) DO UPDATE SET ${set} = excluded.${set}`,
      columnArrays(table, latest),
    )
  }

  return {
    async upsertModels(models) {
      const rows = models.map((model) => toModelRow(model, codec))
      await upsert(modelsTable, rows, 'provider, id', 'info')
    },

    async listModels(filter = {}) {
      const { rows } = await pool.query<ModelRow>(
        `SELECT * FROM ${s}.models WHERE $1::text IS NULL OR provider = $1::text ORDER BY provider, id`,
        [filter.provider ?? null],
      )
      return rows.map((row) => toModel(row, codec))
    },

    async getModel(provider, id) {
      const { rows } = await pool.query<ModelRow>(
        `SELECT * FROM ${s}.models WHERE provider = $1 AND id = $2`,
        [provider, id],
      )
      return rows[0] && toModel(rows[0], codec)
    },

    async upsertPrices(entries) {
      const rows = entries.map((entry) => toPriceRow(entry, codec))
      await upsert(pricesTable, rows, 'provider, model, effective_from', 'price')
    },

    async listPrices(filter = {}) {
      const { rows } = await pool.query<PriceRow>(
        `SELECT * FROM ${s}.prices
         WHERE ($1::text IS NULL OR provider = $1::text) AND ($2::text IS NULL OR model = $2::text)
         ORDER BY provider, model, effective_from`,
        [filter.provider ?? null, filter.model ?? null],
      )
      return rows.map((row) => toPrice(row, codec))
    },

    async getPrice(provider, model, at) {
      const { rows } = await pool.query<PriceRow>(
        `SELECT * FROM ${s}.prices WHERE provider = $1 AND model = $2 AND effective_from <= $3
         ORDER BY effective_from DESC LIMIT 1`,
        [provider, model, codec.date.write(at)],
      )
      return rows[0] && toPrice(rows[0], codec)
    },
  }
}

/** The last of the rows sharing a key: one INSERT may not touch a row twice, and the last one wins. */
function lastByKey<Row>(rows: readonly Row[], key: readonly (keyof Row)[]): Row[] {
  const id = (row: Row) => JSON.stringify(key.map((column) => row[column]))
  return [...new Map(rows.map((row) => [id(row), row])).values()]
}
