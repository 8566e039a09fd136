import type { Plugin } from '@aimux/ai-core'
import { validateOptions } from '@aimux/ai-core/provider-kit'
import { type RedisStateOptions, redisOptionsSchema } from './redis-options.js'
import { createRedisState } from './redis-state.js'

/**
 * Shares the rate-limit windows, the response cache and the circuit breakers of every instance
 * that uses the same Redis and prefix: `createAI({ plugins: [redisState({ url })] })`. The options
 * are checked here (a ConfigError naming the field); the connection is made when the instance
 * is set up, and a Redis that does not answer fails createAI(), the StoreError as the cause. The
 * instance closes the state when it closes.
 */
export function redisState(options: RedisStateOptions): Plugin {
  validateOptions(redisOptionsSchema, options, 'redis')
  return {
    name: 'redis',
    async setup(host) {
      const state = await createRedisState(options)
      try {
        host.registerSharedState(state)
      } catch (error) {
        await state.close()
        throw error
      }
    },
  }
}
