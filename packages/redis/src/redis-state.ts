import { ConfigError } from '@aimux/ai-core'
import { type SharedState, validateOptions } from '@aimux/ai-core/store-kit'
import { circuitScripts, createRedisCircuits } from './circuit-state.js'
import type { RedisClientLike } from './lua-script.js'
import { openClient } from './open-client.js'
import { createRedisRateLimits, rateLimitScripts } from './rate-limit-state.js'
import { addressOfClient, addressOfUrl } from './redis-address.js'
import { createRedisLink, type RedisLink } from './redis-link.js'
import { DEFAULT_CONNECT_TIMEOUT_MS, type RedisStateOptions, redisOptionsSchema } from './redis-options.js'
import { createRedisResponseCache } from './response-cache-state.js'

/** The shared state on Redis; close() quits the client it opened (and is safe to call twice). */
export interface RedisState extends SharedState {
  close(): Promise<void>
}

/**
 * Rate-limit windows, the response cache and circuit breakers in Redis, for several aimux
 * instances to share: opens a client on `url` (or uses the connected `client` given), loads the
 * Lua scripts that keep every change atomic, and returns the ports `share` names.
 */
export async function createRedisState(options: RedisStateOptions): Promise<RedisState> {
  const {
    url,
    client: given,
    prefix,
    share,
    connectTimeoutMs,
  } = validateOptions(redisOptionsSchema, options, 'redis')
  let client: RedisClientLike
  let release: () => Promise<void>
  if (given) {
    if (!given.isOpen) {
      throw new ConfigError('Invalid redis options: client: is not connected; call its connect() first.')
    }
    client = given
    release = async () => {}
  } else {
    const opened = await openClient(url!, connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, addressOfUrl(url!))
    client = opened
    release = () => (opened.isOpen ? opened.close() : Promise.resolve(opened.destroy()))
  }
  const link = createRedisLink(client, given ? addressOfClient(given) : addressOfUrl(url!))
  try {
    await loadScripts(link, [
      ...(share.rateLimits ? rateLimitScripts : []),
      ...(share.circuits ? circuitScripts : []),
    ])
    if (share.responseCache) await link.command('answer a PING', ['PING'])
  } catch (error) {
    await link.close(release)
    throw error
  }
  return {
    name: 'redis',
    ...(share.rateLimits ? { rateLimits: createRedisRateLimits(link, prefix) } : {}),
    ...(share.responseCache ? { responseCache: createRedisResponseCache(link, prefix) } : {}),
    ...(share.circuits ? { circuits: createRedisCircuits(link, prefix) } : {}),
    close: () => link.close(release),
  }
}

/** Loads the scripts once, so that the first calls run them by SHA1 (a restarted Redis gets them again by EVAL). */
async function loadScripts(link: RedisLink, scripts: readonly { source: string }[]): Promise<void> {
  for (const script of scripts) await link.command('load its Lua scripts', ['SCRIPT', 'LOAD', script.source])
}
