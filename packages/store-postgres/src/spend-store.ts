import { createHash } from 'node:crypto'
import { type ReserveResult, type SpendKey, type SpendStore, StoreError } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnValues,
  exceededLimit,
  type ReservationRow,
  type SpendCounterRow,
  spendKeyId,
  spendReservationsTable,
  toReservation,
  toReservationRow,
  toSpend,
  toSpendKey,
  uniqueSpendKeys,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { hasSqlState, UNIQUE_VIOLATION } from './database-error.js'
import { insertSql } from './table-sql.js'
import { inTransaction } from './transaction.js'

/**
 * Spend counters in PostgreSQL. A reservation locks the rows of its counters, always in key
 * order, checks them and writes, in one transaction: concurrent reservations from any number of
 * instances queue on those rows, so none can see spend another is about to add. Expired
 * reservations are swept before a reservation and a read, each sweep in a transaction of its own
 * (one at a time per schema) that drops them and releases their amounts, locking the counters in
 * the same order; a settle or release never takes an expired one.
 */
export function createSpendStore(pool: Pool, s: string): SpendStore {
  /** The fields of `keys` as four text arrays, for unnest. */
  const keyArrays = (keys: readonly SpendKey[]) => [
    keys.map((k) => k.scope),
    keys.map((k) => k.scopeId),
    keys.map((k) => k.period),
    keys.map((k) => k.periodStart),
  ]
  const matchesKeys = `(scope, scope_id, period, period_start) IN (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]))`

  const lockOrder = 'ORDER BY scope, scope_id, period, period_start FOR UPDATE'
  const sweepLock = createHash('sha256')
    .update(`aimux.spend-sweep:${s}`)
    .digest()
    .readBigInt64BE(0)
    .toString()

  /** Drops every expired reservation and releases its amount on its keys, all in one step. */
  const sweepExpired = async () => {
    const now = new Date()
    const { rowCount } = await pool.query(
      `SELECT 1 FROM ${s}.spend_reservations WHERE expires_at <= $1 LIMIT 1`,
      [now],
    )
    if (!rowCount) return
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [sweepLock])
      const { rows } = await client.query<Pick<ReservationRow, 'amount_nano_usd' | 'keys'>>(
        `DELETE FROM ${s}.spend_reservations WHERE expires_at <= $1 RETURNING amount_nano_usd, keys`,
        [now],
      )
      const expired = rows.map((row) => toReservation(row, codec))
      if (expired.length === 0) return
      const keys = uniqueSpendKeys(expired.flatMap((reservation) => reservation.keys))
      await client.query(
        `SELECT 1 FROM ${s}.spend_counters WHERE ${matchesKeys} ${lockOrder}`,
        keyArrays(keys),
      )
      for (const reservation of expired) {
        await client.query(
          `UPDATE ${s}.spend_counters SET reserved_nano_usd = reserved_nano_usd - $5 WHERE ${matchesKeys}`,
          [...keyArrays(reservation.keys), reservation.amountNanoUsd],
        )
      }
    })
  }

  /** Removes a reservation and moves its amount on every key: `spent` added, the reservation released. */
  const finish = (reservationId: string, spent: number) =>
    inTransaction(pool, async (client) => {
      const { rows } = await client.query<Pick<ReservationRow, 'amount_nano_usd' | 'keys'>>(
        `DELETE FROM ${s}.spend_reservations WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)
         RETURNING amount_nano_usd, keys`,
        [reservationId, new Date()],
      )
      if (!rows[0]) throw new StoreError(`reservation ${reservationId} not found (or expired)`)
      const reservation = toReservation(rows[0], codec)
      await client.query(
        `UPDATE ${s}.spend_counters SET reserved_nano_usd = reserved_nano_usd - $5, spent_nano_usd = spent_nano_usd + $6
         WHERE (scope, scope_id, period, period_start) IN (
           SELECT scope, scope_id, period, period_start FROM ${s}.spend_counters WHERE ${matchesKeys}
           ${lockOrder})`,
        [...keyArrays(reservation.keys), reservation.amountNanoUsd, codec.int64.write(spent)],
      )
    })

  return {
    reserve: async ({ reservationId, amountNanoUsd, keys, expiresAt }) => {
      await sweepExpired()
      return inTransaction(pool, async (client): Promise<ReserveResult> => {
        const unique = uniqueSpendKeys(keys.map(({ key }) => key))
        // Creates missing counters and locks every one, in the order settle() locks them too.
        const { rows } = await client.query<SpendCounterRow>(
          `INSERT INTO ${s}.spend_counters AS counter (scope, scope_id, period, period_start, spent_nano_usd, reserved_nano_usd)
           SELECT k.*, 0, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
             AS k (scope, scope_id, period, period_start)
           ORDER BY k.scope COLLATE "C", k.scope_id COLLATE "C", k.period COLLATE "C", k.period_start COLLATE "C"
           ON CONFLICT (scope, scope_id, period, period_start) DO UPDATE SET spent_nano_usd = counter.spent_nano_usd
           RETURNING *`,
          keyArrays(unique),
        )
        const { rowCount } = await client.query(`SELECT 1 FROM ${s}.spend_reservations WHERE id = $1`, [
          reservationId,
        ])
        if (rowCount! > 0) throw new StoreError(`reservation ${reservationId} already exists`)
        const counters = new Map(rows.map((row) => [spendKeyId(toSpendKey(row)), row]))
        const refused = exceededLimit(keys, amountNanoUsd, (key) =>
          toSpend(counters.get(spendKeyId(key)), codec),
        )
        if (refused) return refused
        await client.query(
          `UPDATE ${s}.spend_counters SET reserved_nano_usd = reserved_nano_usd + $5 WHERE ${matchesKeys}`,
          [...keyArrays(unique), codec.int64.write(amountNanoUsd)],
        )
        const reservation = toReservationRow(
          reservationId,
          amountNanoUsd,
          unique,
          new Date(),
          expiresAt,
          codec,
        )
        try {
          await client.query(
            insertSql(s, spendReservationsTable),
            columnValues(spendReservationsTable, reservation),
          )
        } catch (error) {
          if (hasSqlState(error, UNIQUE_VIOLATION))
            throw new StoreError(`reservation ${reservationId} already exists`, { cause: error })
          throw error
        }
        return { ok: true }
      })
    },

    settle: (reservationId, actualNanoUsd) => finish(reservationId, actualNanoUsd),

    release: (reservationId) => finish(reservationId, 0),

    async getSpend(key) {
      await sweepExpired()
      const { rows } = await pool.query<SpendCounterRow>(
        `SELECT * FROM ${s}.spend_counters WHERE scope = $1 AND scope_id = $2 AND period = $3 AND period_start = $4`,
        [key.scope, key.scopeId, key.period, key.periodStart],
      )
      return toSpend(rows[0], codec)
    },

    async markThreshold(key, threshold) {
      const { rowCount } = await pool.query(
        `INSERT INTO ${s}.spend_thresholds (scope, scope_id, period, period_start, threshold)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [key.scope, key.scopeId, key.period, key.periodStart, threshold],
      )
      return rowCount === 1
    },
  }
}
