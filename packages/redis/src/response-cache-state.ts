import type { ProviderResult } from '@aimux/ai-core'
import type { ResponseCacheState } from '@aimux/ai-core/store-kit'
import { decodeResult, encodeResult } from './cached-result.js'
import type { RedisLink } from './redis-link.js'

/**
 * The response cache in Redis: each answer a string of JSON under `<prefix>cache:<key>`, which
 * Redis drops once its TTL has passed. One command each way, atomic as any Redis command.
 */
export function createRedisResponseCache(link: RedisLink, prefix: string): ResponseCacheState {
  return {
    async get(key) {
      const stored = await link.command('read the response cache', ['GET', `${prefix}cache:${key}`])
      if (stored === null || stored === undefined) return undefined
      return decodeResult(typeof stored === 'string' ? stored : String(stored))
    },

    async set(key: string, result: ProviderResult, ttlMs: number) {
      const text = encodeResult(result)
      // An answer with no JSON form is not kept: a later call just misses.
      if (text === undefined || !(ttlMs > 0)) return
      const ttl = String(Math.max(1, Math.ceil(ttlMs)))
      await link.command('write the response cache', ['SET', `${prefix}cache:${key}`, text, 'PX', ttl])
    },
  }
}
