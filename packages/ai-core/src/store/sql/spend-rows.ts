import type { Spend, SpendKey } from '../spend-store.js'
import type { SqlCodec, SqlDate, SqlInt64, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `spend_counters`: what is spent and reserved against one key. */
export interface SpendCounterRow {
  scope: SpendKey['scope']
  scope_id: string
  period: SpendKey['period']
  period_start: string
  spent_nano_usd: SqlInt64
  reserved_nano_usd: SqlInt64
}

export const spendCountersTable: SqlTable<SpendCounterRow> = {
  name: 'spend_counters',
  columns: {
    scope: 'text',
    scope_id: 'text',
    period: 'text',
    period_start: 'text',
    spent_nano_usd: 'int64',
    reserved_nano_usd: 'int64',
  },
}

/** The key a counter row counts for. */
export function toSpendKey(row: SpendCounterRow): SpendKey {
  return { scope: row.scope, scopeId: row.scope_id, period: row.period, periodStart: row.period_start }
}

/** The spend of a counter row; nothing spent or reserved when there is no row. */
export function toSpend(row: SpendCounterRow | undefined, codec: SqlCodec): Spend {
  return {
    spentNanoUsd: row ? codec.int64.read(row.spent_nano_usd) : 0,
    reservedNanoUsd: row ? codec.int64.read(row.reserved_nano_usd) : 0,
  }
}

/**
 * A row of `spend_reservations`: an amount held on every one of its keys until settled or
 * released, or until `expires_at` (null: never), when a sweep drops it and releases the amount.
 */
export interface ReservationRow {
  id: string
  amount_nano_usd: SqlInt64
  keys: SqlJson
  created_at: SqlDate
  expires_at: SqlDate | null
}

export const spendReservationsTable: SqlTable<ReservationRow> = {
  name: 'spend_reservations',
  columns: {
    id: 'text',
    amount_nano_usd: 'int64',
    keys: 'json',
    created_at: 'timestamp',
    expires_at: 'timestamp',
  },
}

export function toReservationRow(
  id: string,
  amountNanoUsd: number,
  keys: readonly SpendKey[],
  now: Date,
  expiresAt: Date | undefined,
  codec: SqlCodec,
): ReservationRow {
  return {
    id,
    amount_nano_usd: codec.int64.write(amountNanoUsd),
    keys: codec.json.write(keys),
    created_at: codec.date.write(now),
    expires_at: expiresAt === undefined ? null : codec.date.write(expiresAt),
  }
}

/** What a reservation holds: its amount and the keys it holds it on. */
export function toReservation(
  row: Pick<ReservationRow, 'amount_nano_usd' | 'keys'>,
  codec: SqlCodec,
): { amountNanoUsd: number; keys: SpendKey[] } {
  return {
    amountNanoUsd: codec.int64.read(row.amount_nano_usd),
    keys: codec.json.read(row.keys) as SpendKey[],
  }
}
