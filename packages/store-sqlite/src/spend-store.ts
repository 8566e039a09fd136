import { type Spend, type SpendKey, type SpendStore, StoreError } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  exceededLimit,
  type ReservationRow,
  type SpendCounterRow,
  spendKey,
  spendReservationsTable,
  toReservation,
  toReservationRow,
  toSpend,
  uniqueSpendKeys,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

type ReserveInput = Parameters<SpendStore['reserve']>[0]

/**
 * Spend counters in SQLite. Every change runs under BEGIN IMMEDIATE, which takes the database's
 * write lock before the first read: a check and the write it allows are one step, even across
 * processes sharing the file. Each change first sweeps expired reservations in the same step.
 */
export function createSpendStore(db: Database): SpendStore {
  const selectSpend = db.prepare<SpendKey, SpendCounterRow>(
    `SELECT * FROM spend_counters
     WHERE scope = @scope AND scope_id = @scopeId AND period = @period AND period_start = @periodStart`,
  )
  const addToCounter = db.prepare<SpendKey & { spent: unknown; reserved: unknown }>(
    `INSERT INTO spend_counters (scope, scope_id, period, period_start, spent_nano_usd, reserved_nano_usd)
     VALUES (@scope, @scopeId, @period, @periodStart, @spent, @reserved)
     ON CONFLICT (scope, scope_id, period, period_start) DO UPDATE SET
       spent_nano_usd = spent_nano_usd + excluded.spent_nano_usd,
       reserved_nano_usd = reserved_nano_usd + excluded.reserved_nano_usd`,
  )
  const reservationExists = db
    .prepare<[string], number>('SELECT count(*) FROM spend_reservations WHERE id = ?')
    .pluck()
  const insertReservation = db.prepare<ReservationRow>(insertSql(spendReservationsTable))
  const deleteReservation = db.prepare<[string], Pick<ReservationRow, 'amount_nano_usd' | 'keys'>>(
    'DELETE FROM spend_reservations WHERE id = ? RETURNING amount_nano_usd, keys',
  )
  const anyExpired = db
    .prepare<[number], number>('SELECT count(*) FROM spend_reservations WHERE expires_at <= ? LIMIT 1')
    .pluck()
  const deleteExpired = db.prepare<[number], Pick<ReservationRow, 'amount_nano_usd' | 'keys'>>(
    'DELETE FROM spend_reservations WHERE expires_at <= ? RETURNING amount_nano_usd, keys',
  )
  const insertThreshold = db.prepare<SpendKey & { threshold: number }>(
    `INSERT INTO spend_thresholds (scope, scope_id, period, period_start, threshold)
     VALUES (@scope, @scopeId, @period, @periodStart, @threshold) ON CONFLICT DO NOTHING`,
  )

  /** Drops every expired reservation and releases its amount on its keys; inside a transaction. */
  const sweep = () => {
    for (const row of deleteExpired.all(Date.now())) {
      const reservation = toReservation(row, codec)
      for (const key of reservation.keys)
        addToCounter.run({ ...key, spent: 0, reserved: -reservation.amountNanoUsd })
    }
  }
  const sweepNow = db.transaction(sweep)
  /** Sweeps when anything has expired: the check is a read, the sweep takes the write lock. */
  const sweepExpired = () => {
    if (anyExpired.get(Date.now())! > 0) sweepNow.immediate()
  }

  const reserve = db.transaction(({ reservationId, amountNanoUsd, keys, expiresAt }: ReserveInput) => {
    sweep()
    if (reservationExists.get(reservationId)! > 0)
      throw new StoreError(`reservation ${reservationId} already exists`)
    const refused = exceededLimit(keys, amountNanoUsd, spendOf)
    if (refused) return refused
    const reserved = uniqueSpendKeys(keys.map(({ key }) => key))
    const amount = codec.int64.write(amountNanoUsd)
    for (const key of reserved) addToCounter.run({ ...key, spent: 0, reserved: amount })
    insertReservation.run(
      toReservationRow(reservationId, amountNanoUsd, reserved, new Date(), expiresAt, codec),
    )
    return { ok: true as const }
  })

  /** Removes a reservation and moves its amount on every key: `spent` added, the reservation released. */
  const finish = db.transaction((reservationId: string, spent: number) => {
    sweep()
    const row = deleteReservation.get(reservationId)
    if (!row) throw new StoreError(`reservation ${reservationId} not found (or expired)`)
    const reservation = toReservation(row, codec)
    for (const key of reservation.keys) {
      addToCounter.run({ ...key, spent: codec.int64.write(spent), reserved: -reservation.amountNanoUsd })
    }
  })

  function spendOf(key: SpendKey): Spend {
    return toSpend(selectSpend.get(spendKey(key)), codec)
  }

  return {
    async reserve(input) {
      return reserve.immediate(input)
    },

    async settle(reservationId, actualNanoUsd) {
      finish.immediate(reservationId, actualNanoUsd)
    },

    async release(reservationId) {
      finish.immediate(reservationId, 0)
    },

    async getSpend(key) {
      sweepExpired()
      return spendOf(key)
    },

    async markThreshold(key, threshold) {
      return insertThreshold.run({ ...spendKey(key), threshold }).changes === 1
    },
  }
}
