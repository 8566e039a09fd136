import { LRUCache } from 'lru-cache'
import type { ProviderResult } from '../../spec/provider.js'
import type { ResponseCacheState } from '../shared-state.js'

export interface MemoryResponseCacheStateOptions {
  /** How many answers are kept, least recently used dropped first. Default 1000. */
  maxEntries?: number
  /** The clock TTLs are measured on, in milliseconds; `performance.now()` unless given (tests). */
  now?: () => number
}

/** The in-memory cache: the port, answering at once. */
export interface MemoryResponseCacheState extends ResponseCacheState {
  get(key: string): ProviderResult | undefined
  set(key: string, result: ProviderResult, ttlMs: number): void
}

/**
 * Complete answers in this process (lru-cache: a size bound, and each answer's own TTL). Answers
 * are copied in and out, so neither the call that stored one nor one served from it can change
 * what is kept. Every answer is synchronous.
 */
export function createMemoryResponseCacheState(
  options: MemoryResponseCacheStateOptions = {},
): MemoryResponseCacheState {
  const { now } = options
  const cache = new LRUCache<string, ProviderResult>({
    max: options.maxEntries ?? 1_000,
    // lru-cache reads its clock at most once a millisecond unless told not to; a test clock
    // that jumps must be read every time.
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
  })
  return {
    get(key) {
      const hit = cache.get(key)
      return hit === undefined ? undefined : structuredClone(hit)
    },
    set(key, result, ttlMs) {
      cache.set(key, structuredClone(result), { ttl: ttlMs })
    },
  }
}
