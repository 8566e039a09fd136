import { LRUCache } from 'lru-cache'
import { ConfigError } from '../errors/errors.js'
import type { CallContext, Credentials } from './call-context.js'

/** Where an SDK client connects and with which key: the call's credentials over the plugin's own. */
export type ClientSettings = Omit<Credentials, 'apiKey'> & { apiKey: string | undefined }

export interface ClientCacheOptions<Client> {
  /** The provider id, for the error a missing key gives. */
  provider: string
  /** The plugin's own settings; a call's credentials (from a rotation plugin, say) win field by field. */
  defaults?: Credentials
  /** The environment variable read for the key, at the first call, when neither has one. */
  apiKeyEnv?: string
  /** Whether a call without a key is a ConfigError. Default: true when `apiKeyEnv` is set. */
  requireApiKey?: boolean
  /** Makes a client. Turn the SDK's own retries off: the core owns retries. */
  create(settings: ClientSettings): Client
  /** How many clients to keep, one per distinct set of credentials. Default 32. */
  max?: number
}

export interface CachedClient<Client> {
  client: Client
  /** The key this call uses, to keep out of error messages. */
  apiKey: string | undefined
}

/**
 * One SDK client per distinct set of credentials, made at the first call that needs it (so a
 * missing key is a clear ConfigError then, not at import) and reused by every later call with the
 * same credentials, the least recently used dropped past `max`.
 */
export function createClientCache<Client>(
  options: ClientCacheOptions<Client>,
): (ctx: Pick<CallContext, 'credentials'>) => CachedClient<Client> {
  const cache = new LRUCache<string, CachedClient<Client>>({ max: options.max ?? 32 })
  const requireApiKey = options.requireApiKey ?? options.apiKeyEnv !== undefined
  const defaults = options.defaults ?? {}
  // The client of calls without credentials of their own (most calls), while the key stays the same.
  let own: CachedClient<Client> | undefined
  return (ctx) => {
    const chosen = ctx.credentials
    const apiKey =
      chosen?.apiKey ?? defaults.apiKey ?? (options.apiKeyEnv ? process.env[options.apiKeyEnv] : undefined)
    if (!apiKey && requireApiKey) {
      const env = options.apiKeyEnv ? ` or set ${options.apiKeyEnv}` : ''
      throw new ConfigError(
        `${options.provider}: no API key. Pass apiKey to the ${options.provider} plugin${env}.`,
        { provider: options.provider },
      )
    }
    if (!chosen && own && own.apiKey === apiKey) return own
    const { connectionId: _, ...given } = chosen ?? {}
    const settings: ClientSettings = { ...defaults, ...given, apiKey }
    if (defaults.headers || chosen?.headers) settings.headers = { ...defaults.headers, ...chosen?.headers }
    const key = JSON.stringify([
      apiKey,
      settings.baseURL,
      settings.organization,
      settings.project,
      settings.headers,
    ])
    let entry = cache.get(key)
    if (!entry) {
      entry = { client: options.create(settings), apiKey }
      cache.set(key, entry)
    }
    if (!chosen) own = entry
    return entry
  }
}
