import { randomUUID } from 'node:crypto'
import type { Store, VirtualKey } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { virtualKey } from './fixtures.js'

/** Virtual keys: stored by the hash of their secret, listed newest first, revoked once. */
export function virtualKeysSuite(currentStore: () => Store): void {
  describe('virtual keys', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    /** The keys of `list()` among `ids`, in the order listed: other tests may share the database. */
    const listed = async (ids: readonly string[], options?: { includeRevoked?: boolean }) => {
      const own = new Set(ids)
      return (await store.virtualKeys.list(options)).filter((key) => own.has(key.id)).map((key) => key.id)
    }

    it('reads a key back by id and by hash with every field, times to the millisecond', async () => {
      const key = virtualKey({
        name: 'billing service',
        scope: { tenantId: 't1', userId: 'u1', projectId: 'p1' },
        models: ['openai:gpt-4o-mini', '@fast', 'anthropic:claude-3-5-haiku-latest'],
        limits: {
          budgets: [
            { limitUsd: 5.25, period: 'month', thresholds: [0.8, 0.9, 1] },
            { limitUsd: 100, period: 'total' },
          ],
          requestsPerMinute: 60,
          tokensPerMinute: 100_000,
        },
        metadata: {
          team: 'billing',
          owner: { email: 'ops@example.com' },
          tags: ['a', 'b'],
          n: 1.5,
          ok: true,
        },
        createdAt: new Date('2026-11-22T12:00:00.123Z'),
        expiresAt: new Date('2027-11-22T12:00:00.001Z'),
      })
      await store.virtualKeys.create(key)

      expect(await store.virtualKeys.get(key.id)).toEqual(key)
      expect(await store.virtualKeys.findByHash(key.hash)).toEqual(key)
      const read = (await store.virtualKeys.get(key.id))!
      expect(read.createdAt).toBeInstanceOf(Date)
      expect(read.createdAt.getTime()).toBe(key.createdAt.getTime())
      expect(read.expiresAt!.getTime()).toBe(key.expiresAt!.getTime())
    })

    it('leaves the optional fields of a bare key out, and keeps an empty model list apart from none', async () => {
      const bare = virtualKey()
      await store.virtualKeys.create(bare)
      expect(await store.virtualKeys.get(bare.id)).toStrictEqual(bare)
      expect(await store.virtualKeys.findByHash(bare.hash)).toStrictEqual(bare)

      const none = virtualKey({ models: [], scope: { projectId: 'p1' }, metadata: {} })
      await store.virtualKeys.create(none)
      expect(await store.virtualKeys.get(none.id)).toStrictEqual(none)
    })

    it('finds nothing for an unknown id or hash, nor for another key’s prefix or id as a hash', async () => {
      const key = virtualKey()
      await store.virtualKeys.create(key)
      expect(await store.virtualKeys.get(randomUUID())).toBeUndefined()
      expect(await store.virtualKeys.findByHash(virtualKey().hash)).toBeUndefined()
      expect(await store.virtualKeys.findByHash(key.prefix)).toBeUndefined()
      expect(await store.virtualKeys.findByHash(key.id)).toBeUndefined()
      expect(await store.virtualKeys.findByHash(key.hash.toUpperCase())).toBeUndefined()
      expect(await store.virtualKeys.get(key.hash)).toBeUndefined()
    })

    it('shares no object with its caller', async () => {
      const key = virtualKey({
        models: ['openai:gpt-4o'],
        limits: { requestsPerMinute: 5 },
        metadata: { a: 1 },
      })
      const kept = structuredClone(key)
      await store.virtualKeys.create(key)
      key.models!.push('changed')
      key.limits.requestsPerMinute = 500
      key.metadata!.a = 2
      key.scope.userId = 'changed'
      key.createdAt.setTime(0)

      const read = (await store.virtualKeys.get(key.id))!
      read.models!.push('changed')
      read.limits.requestsPerMinute = 500
      read.createdAt.setTime(0)
      const [first] = (await store.virtualKeys.list()).filter((listed) => listed.id === key.id)
      first!.metadata!.a = 3

      expect(await store.virtualKeys.get(key.id)).toEqual(kept)
      expect(await store.virtualKeys.findByHash(key.hash)).toEqual(kept)
    })

    it('refuses a second key with the same id or the same hash, revoked ones included, keeping the first', async () => {
      const first = virtualKey({ name: 'first' })
      await store.virtualKeys.create(first)

      const sameId = virtualKey({ id: first.id, name: 'same id' })
      await expect(store.virtualKeys.create(sameId)).rejects.toMatchObject({
        name: 'StoreError',
        code: 'store',
        message: expect.stringContaining(first.id),
      })
      expect(await store.virtualKeys.findByHash(sameId.hash)).toBeUndefined()

      const sameHash = virtualKey({ hash: first.hash, name: 'same hash' })
      const refused = await store.virtualKeys.create(sameHash).then(
        () => undefined,
        (error: unknown) => error as Error,
      )
      expect(refused).toMatchObject({ name: 'StoreError', code: 'store' })
      // An error names a key by its id, never by the hash of its secret.
      expect(refused!.message).not.toContain(first.hash)
      expect(await store.virtualKeys.get(sameHash.id)).toBeUndefined()

      await store.virtualKeys.revoke(first.id, new Date('2026-11-23T00:00:00.000Z'))
      await expect(store.virtualKeys.create(sameHash)).rejects.toMatchObject({ code: 'store' })
      await expect(store.virtualKeys.create({ ...sameId, hash: virtualKey().hash })).rejects.toMatchObject({
        code: 'store',
      })
      expect(await store.virtualKeys.findByHash(first.hash)).toMatchObject({ id: first.id, name: 'first' })
    })

    it('lists newest first, the same time by id from the highest, revoked keys only when asked', async () => {
      const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 12, minute, 0, 7))
      const base = randomUUID()
      const keys = [
        virtualKey({ id: `${base}-a`, createdAt: at(1) }),
        virtualKey({ id: `${base}-b`, createdAt: at(3) }),
        virtualKey({ id: `${base}-c`, createdAt: at(2) }),
        virtualKey({ id: `${base}-d`, createdAt: at(2) }),
        virtualKey({ id: `${base}-e`, createdAt: at(4), expiresAt: new Date('2000-01-01T00:00:00.000Z') }),
      ]
      for (const key of keys) await store.virtualKeys.create(key)
      const ids = keys.map((key) => key.id)
      const [a, b, c, d, e] = ids as [string, string, string, string, string]

      expect(await listed(ids)).toEqual([e, b, d, c, a])
      expect(await store.virtualKeys.revoke(d, at(10))).toBe(true)
      expect(await listed(ids)).toEqual([e, b, c, a])
      expect(await listed(ids, { includeRevoked: false })).toEqual([e, b, c, a])
      expect(await listed(ids, { includeRevoked: true })).toEqual([e, b, d, c, a])
      const all = await store.virtualKeys.list({ includeRevoked: true })
      expect(all.find((key) => key.id === d)).toEqual({ ...keys[3], revokedAt: at(10) })
      expect(all.find((key) => key.id === e)).toEqual(keys[4])
    })

    it('revokes a key once: again, or an unknown key, is false and changes nothing', async () => {
      const key = virtualKey({ expiresAt: new Date('2027-01-01T00:00:00.000Z') })
      await store.virtualKeys.create(key)
      const first = new Date('2026-11-23T08:30:00.999Z')
      expect(await store.virtualKeys.revoke(key.id, first)).toBe(true)
      expect(await store.virtualKeys.revoke(key.id, new Date('2026-11-24T00:00:00.000Z'))).toBe(false)
      expect(await store.virtualKeys.revoke(randomUUID(), first)).toBe(false)

      const revoked: VirtualKey = { ...key, revokedAt: first }
      expect(await store.virtualKeys.get(key.id)).toEqual(revoked)
      // A revoked key is still found by its hash: the caller refuses it, knowing why.
      expect(await store.virtualKeys.findByHash(key.hash)).toEqual(revoked)
      expect((await store.virtualKeys.get(key.id))!.revokedAt!.getTime()).toBe(first.getTime())
    })

    it('lets exactly one of 10 concurrent revocations of a key win', async () => {
      const key = virtualKey()
      await store.virtualKeys.create(key)
      const times = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2026, 10, 23, 0, 0, i)))
      const results = await Promise.all(times.map((at) => store.virtualKeys.revoke(key.id, at)))
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = times[results.indexOf(true)]!
      expect((await store.virtualKeys.get(key.id))?.revokedAt).toEqual(winner)
    })

    it('writes 20 keys at once, each found by its own hash', async () => {
      const keys = Array.from({ length: 20 }, (_, i) =>
        virtualKey({ scope: { userId: `u${i}` }, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) }),
      )
      await Promise.all(keys.map((key) => store.virtualKeys.create(key)))
      for (const key of keys) {
        expect(await store.virtualKeys.findByHash(key.hash)).toEqual(key)
      }
      expect(await listed(keys.map((key) => key.id))).toEqual(keys.map((key) => key.id).reverse())
    })
  })
}
