import type { VirtualKey } from '@aimux/ai-core'
import { LRUCache } from 'lru-cache'

export interface KeyCacheOptions {
  /** How long a lookup is trusted before the store is asked again; 0 asks every time. */
  ttlMs: number
  /** Looks a key up by the hash of its secret. */
  load(hash: string): Promise<VirtualKey | undefined>
  /** The most lookups kept. Default 10,000. */
  max?: number
  /** The clock, in milliseconds; tests pass a fake one. Default performance.now(). */
  now?: () => number
}

export interface KeyCache {
  /** The key with this secret hash, from the cache while fresh, else from the store. */
  get(hash: string): Promise<VirtualKey | undefined>
  /** Forgets a lookup, so that this instance sees a change (a revocation) at once. */
  delete(hash: string): void
}

/**
 * Lookups of virtual keys by hash, each trusted for `ttlMs`: a request pays no store round trip
 * for a key seen a moment ago, and a key revoked through any instance is refused by every
 * instance within `ttlMs`. Misses are kept too, so a client retrying with a wrong key
 * does not reach the store each time; concurrent lookups of one hash share one store call.
 */
export function createKeyCache(options: KeyCacheOptions): KeyCache {
  const { ttlMs, load } = options
  if (ttlMs === 0) return { get: load, delete() {} }
  const clock = options.now
  // Entries wrap the lookup, so that a miss can be kept too.
  const cache = new LRUCache<string, { key: VirtualKey | undefined }>({
    max: options.max ?? 10_000,
    ttl: ttlMs,
    ttlAutopurge: false,
    // Read the clock at every lookup: a revocation must not wait on a cached time.
    ttlResolution: 0,
    ...(clock ? { perf: { now: clock } } : {}),
    fetchMethod: async (hash) => ({ key: await load(hash) }),
  })
  return {
    async get(hash) {
      return (await cache.fetch(hash))?.key
    },
    delete(hash) {
      cache.delete(hash)
    },
  }
}
