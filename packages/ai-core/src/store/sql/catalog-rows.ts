import type { ModelPrice, PriceEntry } from '../../cost/price-catalog.js'
import type { ModelInfo } from '../../spec/model.js'
import type { SqlCodec, SqlDate, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `models`: the model's key and the rest of its ModelInfo as JSON. */
export interface ModelRow {
  provider: string
  id: string
  info: SqlJson
}

export const modelsTable: SqlTable<ModelRow> = {
  name: 'models',
  columns: { provider: 'text', id: 'text', info: 'json' },
}

/** A row of `prices`: one price of a model from a date on. */
export interface PriceRow {
  provider: string
  model: string
  effective_from: SqlDate
  price: SqlJson
}

export const pricesTable: SqlTable<PriceRow> = {
  name: 'prices',
  columns: { provider: 'text', model: 'text', effective_from: 'timestamp', price: 'json' },
}

export function toModelRow({ provider, id, ...info }: ModelInfo, codec: SqlCodec): ModelRow {
  return { provider, id, info: codec.json.write(info) }
}

export function toModel(row: ModelRow, codec: SqlCodec): ModelInfo {
  // JSON has no dates: syncedAt is stored as its ISO string.
  const { syncedAt, ...info } = codec.json.read(row.info) as Omit<
    ModelInfo,
    'provider' | 'id' | 'syncedAt'
  > & {
    syncedAt?: string
  }
  return {
    provider: row.provider,
    id: row.id,
    ...info,
    ...(syncedAt === undefined ? {} : { syncedAt: new Date(syncedAt) }),
  }
}

export function toPriceRow(entry: PriceEntry, codec: SqlCodec): PriceRow {
  return {
    provider: entry.provider,
    model: entry.model,
    effective_from: codec.date.write(entry.effectiveFrom),
    price: codec.json.write(entry.price),
  }
}

export function toPrice(row: PriceRow, codec: SqlCodec): PriceEntry {
  return {
    provider: row.provider,
    model: row.model,
    effectiveFrom: codec.date.read(row.effective_from),
    price: codec.json.read(row.price) as ModelPrice,
  }
}
