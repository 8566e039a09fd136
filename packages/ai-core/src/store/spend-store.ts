// The spend port: budget counters with atomic reserve and settle.

/** Whom a spend counter counts for; 'key' is a request's own `limits.key` (a gateway's virtual key). */
export type BudgetScope = 'user' | 'project' | 'tenant' | 'global' | 'key'
export type BudgetPeriod = 'day' | 'week' | 'month' | 'total'

/** One spend counter: a scope, who in it, and which period (periodStart as a UTC ISO date). */
export interface SpendKey {
  scope: BudgetScope
  scopeId: string
  period: BudgetPeriod
  periodStart: string
}

export interface Spend {
  spentNanoUsd: number
  reservedNanoUsd: number
}

export type ReserveResult =
  | { ok: true }
  | { ok: false; key: SpendKey; spentNanoUsd: number; reservedNanoUsd: number; limitNanoUsd: number }

/**
 * Budget spend counters. A reservation may carry an expiry (`expiresAt`), so that one whose
 * process died before settling it (killed between reserve and settle) does not hold its amount
 * forever: from that time on it no longer counts. Every method first sweeps the expired
 * reservations, each in one atomic step that drops it and releases its amount on every key, so
 * `reserve` and `getSpend` never count them, and `settle` or `release` of one fails as for an
 * unknown reservation. Times are the caller's clock.
 */
export interface SpendStore {
  /**
   * Atomically reserves `amountNanoUsd` against every key, or against none: when spent +
   * reserved + amount would pass any key's limit, nothing is reserved and the first such key is
   * returned. Safe across processes for stores shared between them. A reservationId still
   * pending may not be reused (StoreError). Without `expiresAt` the reservation holds until it is
   * settled or released.
   */
  reserve(input: {
    reservationId: string
    amountNanoUsd: number
    keys: readonly { key: SpendKey; limitNanoUsd?: number }[]
    expiresAt?: Date
  }): Promise<ReserveResult>
  /**
   * Replaces the reservation by the actual amount spent, on every key it was made against. An
   * unknown or expired reservation is a StoreError, and nothing is spent.
   */
  settle(reservationId: string, actualNanoUsd: number): Promise<void>
  /** Drops a reservation without spending (the call failed before it cost anything). */
  release(reservationId: string): Promise<void>
  /** What is spent and reserved against a key; expired reservations are not counted. */
  getSpend(key: SpendKey): Promise<Spend>
  /** Records that a threshold was crossed for a key; true only the first time (once per period). */
  markThreshold(key: SpendKey, threshold: number): Promise<boolean>
}
