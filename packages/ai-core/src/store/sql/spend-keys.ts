import type { ReserveResult, Spend, SpendKey, SpendStore } from '../spend-store.js'

/** Only the four fields of a key, whatever else the caller's object carries. */
export function spendKey({ scope, scopeId, period, periodStart }: SpendKey): SpendKey {
  return { scope, scopeId, period, periodStart }
}

/** A string that is equal for equal keys: a Map key for a counter. */
export function spendKeyId(key: SpendKey): string {
  return JSON.stringify([key.scope, key.scopeId, key.period, key.periodStart])
}

/** The keys without repeats: a key named twice in one reservation is reserved once. */
export function uniqueSpendKeys(keys: readonly SpendKey[]): SpendKey[] {
  return [...new Map(keys.map((key) => [spendKeyId(key), spendKey(key)])).values()]
}

/**
 * The refusal of a reservation of `amountNanoUsd`: the first key with a limit that its spent and
 * reserved amounts plus this one would pass, as `spendOf` reads them; undefined when every limit
 * holds.
 */
export function exceededLimit(
  keys: Parameters<SpendStore['reserve']>[0]['keys'],
  amountNanoUsd: number,
  spendOf: (key: SpendKey) => Spend,
): Extract<ReserveResult, { ok: false }> | undefined {
  for (const { key, limitNanoUsd } of keys) {
    if (limitNanoUsd === undefined) continue
    const { spentNanoUsd, reservedNanoUsd } = spendOf(key)
    if (spentNanoUsd + reservedNanoUsd + amountNanoUsd > limitNanoUsd)
      return { ok: false, key: spendKey(key), spentNanoUsd, reservedNanoUsd, limitNanoUsd }
  }
  return undefined
}
