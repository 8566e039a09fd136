import { type Spend, type SpendKey, type SpendStore, StoreError } from '@aimux/ai-core'
import type { Database } from 'better-sqlite3'

interface ReserveInput {
  reservationId: string
  amountNanoUsd: number
  keys: readonly { key: SpendKey; limitNanoUsd?: number }[]
}

/**
 * Spend counters in SQLite. Every change runs under BEGIN IMMEDIATE, which takes the database's
 * write lock before the first read: a check and the write it allows are one step, even across
 * processes sharing the file.
 */
export function createSpendStore(db: Database): SpendStore {
  const selectSpend = db.prepare<SpendKey, Spend>(
    `SELECT spent_nano_usd AS spentNanoUsd, reserved_nano_usd AS reservedNanoUsd FROM spend_counters
     WHERE scope = @scope AND scope_id = @scopeId AND period = @period AND period_start = @periodStart`,
  )
  const addToCounter = db.prepare<SpendKey & { spent: number; reserved: number }>(
    `INSERT INTO spend_counters (scope, scope_id, period, period_start, spent_nano_usd, reserved_nano_usd)
     VALUES (@scope, @scopeId, @period, @periodStart, @spent, @reserved)
     ON CONFLICT (scope, scope_id, period, period_start) DO UPDATE SET
       spent_nano_usd = spent_nano_usd + excluded.spent_nano_usd,
       reserved_nano_usd = reserved_nano_usd + excluded.reserved_nano_usd`,
  )
  const reservationExists = db
    .prepare<[string], number>('SELECT count(*) FROM spend_reservations WHERE id = ?')
    .pluck()
  const insertReservation = db.prepare<[string, number, string, number]>(
    'INSERT INTO spend_reservations (id, amount_nano_usd, keys, created_at) VALUES (?, ?, ?, ?)',
  )
  const deleteReservation = db.prepare<[string], { amount_nano_usd: number; keys: string }>(
    'DELETE FROM spend_reservations WHERE id = ? RETURNING amount_nano_usd, keys',
  )
  const insertThreshold = db.prepare<SpendKey & { threshold: number }>(
    `INSERT INTO spend_thresholds (scope, scope_id, period, period_start, threshold)
     VALUES (@scope, @scopeId, @period, @periodStart, @threshold) ON CONFLICT DO NOTHING`,
  )

  const reserve = db.transaction(({ reservationId, amountNanoUsd, keys }: ReserveInput) => {
    if (reservationExists.get(reservationId)! > 0)
      throw new StoreError(`reservation ${reservationId} already exists`)
    for (const { key, limitNanoUsd } of keys) {
      if (limitNanoUsd === undefined) continue
      const { spentNanoUsd, reservedNanoUsd } = spendOf(key)
      if (spentNanoUsd + reservedNanoUsd + amountNanoUsd > limitNanoUsd) {
        return { ok: false as const, key: spendKey(key), spentNanoUsd, reservedNanoUsd, limitNanoUsd }
      }
    }
    const reserved = uniqueKeys(keys.map(({ key }) => key))
    for (const key of reserved) addToCounter.run({ ...spendKey(key), spent: 0, reserved: amountNanoUsd })
    insertReservation.run(reservationId, amountNanoUsd, JSON.stringify(reserved), Date.now())
    return { ok: true as const }
  })

  /** Removes a reservation and moves its amount on every key: `spent` added, the reservation released. */
  const finish = db.transaction((reservationId: string, spent: number) => {
    const reservation = deleteReservation.get(reservationId)
    if (!reservation) throw new StoreError(`reservation ${reservationId} not found`)
    for (const key of JSON.parse(reservation.keys) as SpendKey[]) {
      addToCounter.run({ ...key, spent, reserved: -reservation.amount_nano_usd })
    }
  })

  function spendOf(key: SpendKey): Spend {
    return selectSpend.get(spendKey(key)) ?? { spentNanoUsd: 0, reservedNanoUsd: 0 }
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
      return spendOf(key)
    },

    async markThreshold(key, threshold) {
      return insertThreshold.run({ ...spendKey(key), threshold }).changes === 1
    },
  }
}

/** Only the four fields of a key, whatever else the caller's object carries. */
function spendKey({ scope, scopeId, period, periodStart }: SpendKey): SpendKey {
  return { scope, scopeId, period, periodStart }
}

/** The keys without repeats: a key named twice in one reservation is reserved once. */
function uniqueKeys(keys: readonly SpendKey[]): SpendKey[] {
  const unique = new Map(keys.map((key) => [JSON.stringify(Object.values(spendKey(key))), spendKey(key)]))
  return [...unique.values()]
}
