// The spend port: budget counters with atomic reserve and settle.

export type BudgetScope = 'user' | 'project' | 'tenant' | 'global'
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

export interface SpendStore {
  /**
   * Atomically reserves `amountNanoUsd` against every key, or against none: when spent +
   * reserved + amount would pass any key's limit, nothing is reserved and the first such key is
   * returned. Safe across processes for stores shared between them. A reservationId still
   * pending may not be reused (StoreError).
   */
  reserve(input: {
    reservationId: string
    amountNanoUsd: number
    keys: readonly { key: SpendKey; limitNanoUsd?: number }[]
  }): Promise<ReserveResult>
  /** Replaces the reservation by the actual amount spent, on every key it was made against. */
  settle(reservationId: string, actualNanoUsd: number): Promise<void>
  /** Drops a reservation without spending (the call failed before it cost anything). */
  release(reservationId: string): Promise<void>
  getSpend(key: SpendKey): Promise<Spend>
  /** Records that a threshold was crossed for a key; true only the first time (once per period). */
  markThreshold(key: SpendKey, threshold: number): Promise<boolean>
}
