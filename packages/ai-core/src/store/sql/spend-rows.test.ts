import { describe, expect, it } from 'vitest'
import type { SpendKey } from '../spend-store.js'
import { postgresCodec } from './postgres-codec.js'
import { exceededLimit, spendKeyId, uniqueSpendKeys } from './spend-keys.js'
import { toReservation, toReservationRow, toSpend, toSpendKey } from './spend-rows.js'
import { sqliteCodec } from './sqlite-codec.js'

const month: SpendKey = { scope: 'tenant', scopeId: 't1', period: 'month', periodStart: '2026-11-01' }
const total: SpendKey = { scope: 'global', scopeId: 'all', period: 'total', periodStart: '1970-01-01' }

describe('spend keys', () => {
  it('keeps each key once, with only its four fields', () => {
    const extra = { ...month, limitNanoUsd: 5 } as SpendKey
    expect(uniqueSpendKeys([extra, total, month])).toEqual([month, total])
    expect(spendKeyId(extra)).toBe(spendKeyId(month))
  })

  it('refuses on the first key whose limit the amount would pass, and never on a key without one', () => {
    const spent = { spentNanoUsd: 60, reservedNanoUsd: 30 }
    const keys = [{ key: total }, { key: month, limitNanoUsd: 100 }]
    expect(exceededLimit(keys, 10, () => spent)).toBeUndefined()
    expect(exceededLimit(keys, 11, () => spent)).toEqual({
      ok: false,
      key: month,
      spentNanoUsd: 60,
      reservedNanoUsd: 30,
      limitNanoUsd: 100,
    })
  })
})

describe('spend rows', () => {
  it('reads a counter, or nothing spent without one', () => {
    const row = { ...toRow(month), spent_nano_usd: '9000000007', reserved_nano_usd: '0' }
    expect(toSpend(row, postgresCodec)).toEqual({ spentNanoUsd: 9_000_000_007, reservedNanoUsd: 0 })
    expect(toSpend(undefined, postgresCodec)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    expect(toSpendKey(row)).toEqual(month)
  })

  it('writes a reservation with its keys as JSON and reads them back', () => {
    const at = new Date('2026-11-22T12:00:00.000Z')
    const row = toReservationRow('r1', 25, [month, total], at, undefined, sqliteCodec)
    expect(row).toEqual({
      id: 'r1',
      amount_nano_usd: 25,
      keys: JSON.stringify([month, total]),
      created_at: at.getTime(),
      expires_at: null,
    })
    const expiring = toReservationRow('r2', 25, [month], at, new Date(at.getTime() + 60_000), sqliteCodec)
    expect(expiring.expires_at).toBe(at.getTime() + 60_000)
    expect(toReservation(row, sqliteCodec)).toEqual({ amountNanoUsd: 25, keys: [month, total] })
    expect(toReservation({ amount_nano_usd: '25', keys: [month] }, postgresCodec)).toEqual({
      amountNanoUsd: 25,
      keys: [month],
    })
  })
})

function toRow(key: SpendKey) {
  return { scope: key.scope, scope_id: key.scopeId, period: key.period, period_start: key.periodStart }
}
