import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type SpendKey, StoreError } from '@aimux/ai-core'
import { afterAll, describe, expect, it } from 'vitest'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-spend-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const open = () => createSqliteStore({ path: join(dir, `spend-${++files}.db`) })

const key: SpendKey = { scope: 'user', scopeId: 'u1', period: 'month', periodStart: '2026-11-01' }
const keys = [{ key, limitNanoUsd: 10_000 }]

describe('sqlite spend store', () => {
  it('refuses a pending reservation id again, by name, and changes no counter', async () => {
    const store = await open()
    await store.spend.reserve({ reservationId: 'r1', amountNanoUsd: 1_000, keys })
    const again = store.spend.reserve({ reservationId: 'r1', amountNanoUsd: 2_000, keys })
    await expect(again).rejects.toThrow(StoreError)
    await expect(again).rejects.toThrow('reservation r1 already exists')
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 1_000 })
    await store.close()
  })

  it('names the reservation it cannot settle or release', async () => {
    const store = await open()
    await expect(store.spend.settle('gone', 1)).rejects.toThrow('reservation gone not found (or expired)')
    await expect(store.spend.release('gone')).rejects.toThrow('reservation gone not found (or expired)')
    await store.close()
  })

  it('lets a reservation through that fits once an expired one no longer counts', async () => {
    const store = await open()
    const expiresAt = new Date(Date.now() - 1_000)
    await store.spend.reserve({ reservationId: 'dead', amountNanoUsd: 9_000, keys, expiresAt })
    // The expired reservation is dropped in the same step, before the limit is checked.
    expect(await store.spend.reserve({ reservationId: 'next', amountNanoUsd: 2_000, keys })).toEqual({
      ok: true,
    })
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 2_000 })
    await store.close()
  })

  it('refuses to settle a reservation past its expiry, and spends nothing for it', async () => {
    const store = await open()
    // Expired when it is made: the first step of the settlement drops it.
    const expiresAt = new Date(Date.now() - 1_000)
    await store.spend.reserve({ reservationId: 'late', amountNanoUsd: 1_000, keys, expiresAt })
    await expect(store.spend.settle('late', 700)).rejects.toThrow('reservation late not found (or expired)')
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    await store.close()
  })
})
