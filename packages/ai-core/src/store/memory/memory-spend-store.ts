import { StoreError } from '../../errors/errors.js'
import type { Spend, SpendKey, SpendStore } from '../spend-store.js'

interface Reservation {
  amountNanoUsd: number
  keys: string[]
  /** Milliseconds since the epoch; undefined: never expires. */
  expiresAt: number | undefined
}

/**
 * Spend counters, in memory. Every method sweeps expired reservations, then checks and writes,
 * synchronously before it returns its promise, so concurrent callers in one process cannot
 * overdraw a limit.
 */
export function createMemorySpendStore(): SpendStore {
  const counters = new Map<string, Spend>()
  const reservations = new Map<string, Reservation>()
  const thresholds = new Set<string>()

  function counter(key: string): Spend {
    let spend = counters.get(key)
    if (!spend) {
      spend = { spentNanoUsd: 0, reservedNanoUsd: 0 }
      counters.set(key, spend)
    }
    return spend
  }

  /** Drops every expired reservation and releases its amount. */
  function sweep(): void {
    const now = Date.now()
    for (const [id, reservation] of reservations) {
      if (reservation.expiresAt === undefined || reservation.expiresAt > now) continue
      reservations.delete(id)
      for (const key of reservation.keys) counter(key).reservedNanoUsd -= reservation.amountNanoUsd
    }
  }

  function take(reservationId: string): Reservation {
    sweep()
    const reservation = reservations.get(reservationId)
    if (!reservation) throw new StoreError(`reservation ${reservationId} not found (or expired)`)
    reservations.delete(reservationId)
    return reservation
  }

  return {
    async reserve({ reservationId, amountNanoUsd, keys, expiresAt }) {
      sweep()
      if (reservations.has(reservationId)) throw new StoreError(`reservation ${reservationId} already exists`)
      for (const { key, limitNanoUsd } of keys) {
        if (limitNanoUsd === undefined) continue
        const { spentNanoUsd, reservedNanoUsd } = counter(spendKey(key))
        if (spentNanoUsd + reservedNanoUsd + amountNanoUsd > limitNanoUsd) {
          return { ok: false, key: { ...key }, spentNanoUsd, reservedNanoUsd, limitNanoUsd }
        }
      }
      const reserved = [...new Set(keys.map(({ key }) => spendKey(key)))]
      for (const key of reserved) counter(key).reservedNanoUsd += amountNanoUsd
      reservations.set(reservationId, { amountNanoUsd, keys: reserved, expiresAt: expiresAt?.getTime() })
      return { ok: true }
    },

    async settle(reservationId, actualNanoUsd) {
      const { amountNanoUsd, keys } = take(reservationId)
      for (const key of keys) {
        const spend = counter(key)
        spend.reservedNanoUsd -= amountNanoUsd
        spend.spentNanoUsd += actualNanoUsd
      }
    },

    async release(reservationId) {
      const { amountNanoUsd, keys } = take(reservationId)
      for (const key of keys) counter(key).reservedNanoUsd -= amountNanoUsd
    },

    async getSpend(key) {
      sweep()
      return { ...(counters.get(spendKey(key)) ?? { spentNanoUsd: 0, reservedNanoUsd: 0 }) }
    },

    async markThreshold(key, threshold) {
      const marker = JSON.stringify([spendKey(key), threshold])
      if (thresholds.has(marker)) return false
      thresholds.add(marker)
      return true
    },
  }
}

function spendKey({ scope, scopeId, period, periodStart }: SpendKey): string {
  return JSON.stringify([scope, scopeId, period, periodStart])
}
