import { createMemoryStore, type VirtualKey } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { issueVirtualKey } from './issue-key.js'
import { createKeyCache } from './key-cache.js'
import { hashSecret } from './key-secret.js'
import { keyStatus } from './key-status.js'

/** The in-memory key store, counting lookups by hash. */
async function countedStore() {
  const store = createMemoryStore().virtualKeys
  let lookups = 0
  return {
    store,
    load: (hash: string) => {
      lookups += 1
      return store.findByHash(hash)
    },
    get lookups() {
      return lookups
    },
  }
}

describe('the key cache', () => {
  it('trusts a lookup for ttlMs, then asks the store again and sees a revocation', async () => {
    const keys = await countedStore()
    let now = 1_000
    const cache = createKeyCache({ ttlMs: 500, load: keys.load, now: () => now })
    const { key, secret } = await issueVirtualKey(keys.store, {})
    const hash = hashSecret(secret)

    expect((await cache.get(hash))?.id).toBe(key.id)
    await keys.store.revoke(key.id, new Date())
    now += 499
    const cached = (await cache.get(hash)) as VirtualKey
    expect(keyStatus(cached, new Date())).toBe('valid')
    expect(keys.lookups).toBe(1)

    now += 2
    const fresh = (await cache.get(hash)) as VirtualKey
    expect(keyStatus(fresh, new Date())).toBe('revoked')
    expect(keys.lookups).toBe(2)
  })

  it('keeps misses too, and one store call serves concurrent lookups of a hash', async () => {
    const keys = await countedStore()
    const now = 0
    const cache = createKeyCache({ ttlMs: 500, load: keys.load, now: () => now })
    const unknown = hashSecret('sk-aimux-unknown')
    const answers = await Promise.all([cache.get(unknown), cache.get(unknown), cache.get(unknown)])
    expect(answers).toEqual([undefined, undefined, undefined])
    expect(await cache.get(unknown)).toBeUndefined()
    expect(keys.lookups).toBe(1)
  })

  it('forgets a lookup on delete, and asks every time with ttlMs 0', async () => {
    const keys = await countedStore()
    const cache = createKeyCache({ ttlMs: 500, load: keys.load, now: () => 0 })
    const { secret } = await issueVirtualKey(keys.store, {})
    await cache.get(hashSecret(secret))
    cache.delete(hashSecret(secret))
    await cache.get(hashSecret(secret))
    expect(keys.lookups).toBe(2)

    const uncached = createKeyCache({ ttlMs: 0, load: keys.load })
    await uncached.get(hashSecret(secret))
    await uncached.get(hashSecret(secret))
    expect(keys.lookups).toBe(4)
  })

  it('holds a bounded number of lookups', async () => {
    const keys = await countedStore()
    const cache = createKeyCache({ ttlMs: 60_000, load: keys.load, max: 2, now: () => 0 })
    for (const name of ['a', 'b', 'c', 'a']) await cache.get(hashSecret(name))
    // 'a' was dropped when 'c' came in, so it is looked up again.
    expect(keys.lookups).toBe(4)
  })
})

describe('keyStatus', () => {
  it('tells unknown, revoked and expired keys from valid ones', async () => {
    const store = createMemoryStore().virtualKeys
    const now = new Date('2030-01-01T00:00:00Z')
    const { key } = await issueVirtualKey(store, { expiresAt: '2030-01-02T00:00:00Z' }, now)
    expect(keyStatus(undefined, now)).toBe('unknown')
    expect(keyStatus(key, now)).toBe('valid')
    expect(keyStatus(key, new Date('2030-01-02T00:00:00Z'))).toBe('expired')
    expect(keyStatus({ ...key, revokedAt: now }, now)).toBe('revoked')
  })
})
