export type { RedisClientLike } from './lua-script.js'
export { DEFAULT_CONNECT_TIMEOUT_MS, type RedisStateOptions } from './redis-options.js'
export { createRedisState, type RedisState } from './redis-state.js'
export { redisState } from './redis-state-plugin.js'
