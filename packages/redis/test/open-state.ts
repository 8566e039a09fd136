import { afterEach } from 'vitest'
import type { RedisStateOptions } from '../src/redis-options.js'
import { createRedisState, type RedisState } from '../src/redis-state.js'
import { dropPrefixes, freshPrefix, testRedisUrl } from './test-redis.js'

/**
 * Registers the hooks that close every state a test opens with `openState()` and delete the
 * keys under its prefix, and returns `openState`: a state on the test server under a fresh prefix.
 */
export function useTestStates(): (
  options?: Partial<RedisStateOptions>,
) => Promise<RedisState & { prefix: string }> {
  const opened: RedisState[] = []
  const prefixes: string[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((state) => state.close()))
    await dropPrefixes(prefixes.splice(0))
  })
  return async (options = {}) => {
    const prefix = options.prefix ?? freshPrefix()
    prefixes.push(prefix)
    const state = await createRedisState({
      ...(options.client ? {} : { url: testRedisUrl }),
      ...options,
      prefix,
    })
    opened.push(state)
    return Object.assign(state, { prefix })
  }
}
