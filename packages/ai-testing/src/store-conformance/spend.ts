import { randomUUID } from 'node:crypto'
import type { SpendKey, Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { spendKey } from './fixtures.js'

/** Budget spend counters: atomic reserve, settle, release, expiry and thresholds. */
export function spendSuite(currentStore: () => Store): void {
  describe('spend', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    const reserve = (key: SpendKey, amountNanoUsd: number, limitNanoUsd?: number) =>
      store.spend.reserve({ reservationId: randomUUID(), amountNanoUsd, keys: [{ key, limitNanoUsd }] })

    /** Spends `amountNanoUsd` on a key through a reservation settled at once. */
    const settleNow = async (key: SpendKey, amountNanoUsd: number) => {
      const reservationId = randomUUID()
      await store.spend.reserve({ reservationId, amountNanoUsd, keys: [{ key }] })
      await store.spend.settle(reservationId, amountNanoUsd)
    }

    it('returns zeros for an unknown key', async () => {
      expect(await store.spend.getSpend(spendKey())).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    })

    it('shares no object with its caller', async () => {
      const key = spendKey()
      await settleNow(key, 10)
      const spend = await store.spend.getSpend(key)
      spend.spentNanoUsd = 0
      const refused = await reserve(key, 100, 50)
      if (!refused.ok) refused.key.scopeId = 'changed'
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 10, reservedNanoUsd: 0 })
      expect(await reserve(key, 100, 50)).toMatchObject({ ok: false, key })
    })

    it('reserves up to the limit and refuses past it with the key’s numbers', async () => {
      const key = spendKey()
      expect(await reserve(key, 60, 100)).toEqual({ ok: true })
      expect(await reserve(key, 40, 100)).toEqual({ ok: true })
      expect(await reserve(key, 1, 100)).toEqual({
        ok: false,
        key,
        spentNanoUsd: 0,
        reservedNanoUsd: 100,
        limitNanoUsd: 100,
      })
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 100 })
    })

    it('never limits a key without limitNanoUsd', async () => {
      const key = spendKey()
      const result = await store.spend.reserve({
        reservationId: randomUUID(),
        amountNanoUsd: 5_000_000_000_000,
        keys: [{ key }],
      })
      expect(result).toEqual({ ok: true })
      expect(await store.spend.getSpend(key)).toEqual({
        spentNanoUsd: 0,
        reservedNanoUsd: 5_000_000_000_000,
      })
    })

    it('reserves against every key or none, and names the first key that fails', async () => {
      const user = spendKey('user')
      const project = spendKey('project')
      const tenant = spendKey('tenant')
      await settleNow(project, 45)
      await settleNow(tenant, 95)

      const result = await store.spend.reserve({
        reservationId: randomUUID(),
        amountNanoUsd: 10,
        keys: [
          { key: user, limitNanoUsd: 1_000 },
          { key: project, limitNanoUsd: 50 },
          { key: tenant, limitNanoUsd: 100 },
        ],
      })
      expect(result).toEqual({
        ok: false,
        key: project,
        spentNanoUsd: 45,
        reservedNanoUsd: 0,
        limitNanoUsd: 50,
      })
      expect(await store.spend.getSpend(user)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
      expect(await store.spend.getSpend(project)).toEqual({ spentNanoUsd: 45, reservedNanoUsd: 0 })
      expect(await store.spend.getSpend(tenant)).toEqual({ spentNanoUsd: 95, reservedNanoUsd: 0 })

      const fits = await store.spend.reserve({
        reservationId: randomUUID(),
        amountNanoUsd: 5,
        keys: [
          { key: user, limitNanoUsd: 1_000 },
          { key: project, limitNanoUsd: 50 },
          { key: tenant, limitNanoUsd: 100 },
        ],
      })
      expect(fits).toEqual({ ok: true })
      expect(await store.spend.getSpend(user)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 5 })
      expect(await store.spend.getSpend(project)).toEqual({ spentNanoUsd: 45, reservedNanoUsd: 5 })
      expect(await store.spend.getSpend(tenant)).toEqual({ spentNanoUsd: 95, reservedNanoUsd: 5 })
    })

    it('rejects a reservation id that is already pending', async () => {
      const key = spendKey()
      const reservationId = randomUUID()
      await store.spend.reserve({ reservationId, amountNanoUsd: 10, keys: [{ key }] })
      await expect(
        store.spend.reserve({ reservationId, amountNanoUsd: 20, keys: [{ key }] }),
      ).rejects.toMatchObject({ code: 'store' })
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 10 })
    })

    it('settles the actual amount on every key', async () => {
      const a = spendKey()
      const b = spendKey()
      const reservationId = randomUUID()
      await store.spend.reserve({
        reservationId,
        amountNanoUsd: 100,
        keys: [{ key: a, limitNanoUsd: 1_000 }, { key: b }],
      })
      await store.spend.reserve({ reservationId: randomUUID(), amountNanoUsd: 7, keys: [{ key: a }] })
      await store.spend.settle(reservationId, 70)
      expect(await store.spend.getSpend(a)).toEqual({ spentNanoUsd: 70, reservedNanoUsd: 7 })
      expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 70, reservedNanoUsd: 0 })

      const over = randomUUID()
      await store.spend.reserve({ reservationId: over, amountNanoUsd: 10, keys: [{ key: b }] })
      await store.spend.settle(over, 25)
      expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 95, reservedNanoUsd: 0 })
      await expect(store.spend.settle(over, 25)).rejects.toMatchObject({ code: 'store' })
    })

    it('releases a reservation without spending', async () => {
      const key = spendKey()
      await settleNow(key, 30)
      const reservationId = randomUUID()
      await store.spend.reserve({ reservationId, amountNanoUsd: 50, keys: [{ key, limitNanoUsd: 100 }] })
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 30, reservedNanoUsd: 50 })
      await store.spend.release(reservationId)
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 30, reservedNanoUsd: 0 })
      await expect(store.spend.release(reservationId)).rejects.toMatchObject({ code: 'store' })
    })

    it('rejects settling or releasing an unknown reservation', async () => {
      await expect(store.spend.settle(randomUUID(), 1)).rejects.toMatchObject({ code: 'store' })
      await expect(store.spend.release(randomUUID())).rejects.toMatchObject({ code: 'store' })
    })

    it('lets exactly 25 of 100 concurrent reservations of 10 fit a limit of 250', async () => {
      const key = spendKey()
      const ids = Array.from({ length: 100 }, () => randomUUID())
      const results = await Promise.all(
        ids.map((reservationId) =>
          store.spend.reserve({ reservationId, amountNanoUsd: 10, keys: [{ key, limitNanoUsd: 250 }] }),
        ),
      )
      expect(results.filter((r) => r.ok)).toHaveLength(25)
      for (const result of results) {
        if (result.ok) continue
        expect(result.spentNanoUsd + result.reservedNanoUsd).toBeLessThanOrEqual(250)
        expect(result.spentNanoUsd + result.reservedNanoUsd + 10).toBeGreaterThan(250)
      }
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 250 })

      const granted = ids.filter((_, i) => results[i]!.ok)
      await Promise.all(granted.map((id) => store.spend.settle(id, 8)))
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 200, reservedNanoUsd: 0 })
    })

    it('stops counting a reservation once it expires, releasing it on every key', async () => {
      const a = spendKey()
      const b = spendKey()
      const past = new Date(Date.now() - 1_000)
      const later = new Date(Date.now() + 3_600_000)
      await settleNow(a, 10)
      const expired = randomUUID()
      const held = randomUUID()
      const keys = [{ key: a, limitNanoUsd: 100 }, { key: b }]
      expect(
        await store.spend.reserve({ reservationId: expired, amountNanoUsd: 50, keys, expiresAt: past }),
      ).toEqual({
        ok: true,
      })
      expect(
        await store.spend.reserve({ reservationId: held, amountNanoUsd: 30, keys, expiresAt: later }),
      ).toEqual({
        ok: true,
      })
      expect(await store.spend.getSpend(a)).toEqual({ spentNanoUsd: 10, reservedNanoUsd: 30 })
      expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 30 })
      // Room for 60 more on a: the expired 50 no longer counts.
      expect(await reserve(a, 60, 100)).toEqual({ ok: true })
      await expect(store.spend.settle(expired, 50)).rejects.toMatchObject({ code: 'store' })
      await expect(store.spend.release(expired)).rejects.toMatchObject({ code: 'store' })
      await store.spend.settle(held, 20)
      expect(await store.spend.getSpend(a)).toEqual({ spentNanoUsd: 30, reservedNanoUsd: 60 })
      expect(await store.spend.getSpend(b)).toEqual({ spentNanoUsd: 20, reservedNanoUsd: 0 })
      // An expired reservation's id is free again.
      expect(
        await store.spend.reserve({ reservationId: expired, amountNanoUsd: 1, keys: [{ key: b }] }),
      ).toEqual({
        ok: true,
      })
    })

    it('releases each expired reservation once, however many callers sweep at the same time', async () => {
      const key = spendKey()
      const past = new Date(Date.now() - 1_000)
      for (let i = 0; i < 10; i++) {
        await store.spend.reserve({
          reservationId: randomUUID(),
          amountNanoUsd: 7,
          keys: [{ key }],
          expiresAt: past,
        })
      }
      await store.spend.reserve({
        reservationId: randomUUID(),
        amountNanoUsd: 5,
        keys: [{ key }],
        expiresAt: new Date(Date.now() + 3_600_000),
      })
      const racing = await Promise.all([
        ...Array.from({ length: 10 }, () => store.spend.getSpend(key)),
        ...Array.from({ length: 10 }, () => reserve(key, 1, 1_000).then(() => store.spend.getSpend(key))),
      ])
      for (const spend of racing) expect(spend.reservedNanoUsd).toBeGreaterThanOrEqual(5)
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 15 })
    })

    it('marks a threshold only the first time per key', async () => {
      const key = spendKey()
      expect(await store.spend.markThreshold(key, 0.8)).toBe(true)
      expect(await store.spend.markThreshold(key, 0.8)).toBe(false)
      expect(await store.spend.markThreshold(key, 0.9)).toBe(true)
      expect(await store.spend.markThreshold({ ...key, periodStart: '2026-12-01' }, 0.8)).toBe(true)
      expect(await store.spend.markThreshold(spendKey(), 0.8)).toBe(true)
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, () => store.spend.markThreshold(key, 1)),
      )
      expect(concurrent.filter(Boolean)).toHaveLength(1)
    })
  })
}
