import { type CallContext, ConfigError } from '@aimux/ai-core'
import OpenAI from 'openai'

/** Where an OpenAI-compatible client connects, and with which credentials. */
export interface ClientConfig {
  /** The provider id, for error messages. */
  id: string
  apiKey?: string
  /** The environment variable read for the key, at the first call, when `apiKey` is not given. */
  apiKeyEnv: string
  baseURL: string
  organization?: string
  project?: string
  headers?: Record<string, string>
}

export interface ResolvedClient {
  client: OpenAI
  /** The key this call uses, to keep out of error messages. */
  apiKey: string
}

/**
 * Returns the client for a call: the adapter's own, made at the first call (so a missing key is a
 * clear ConfigError then, not at import), or one with the credentials a middleware chose for the
 * call, which win over the adapter's own. The SDK's retries are off: the core owns retries.
 */
export function createClientResolver(config: ClientConfig): (ctx: CallContext) => ResolvedClient {
  let own: ResolvedClient | undefined
  const ownClient = (): ResolvedClient => {
    const apiKey = config.apiKey ?? process.env[config.apiKeyEnv]
    if (!apiKey) {
      throw new ConfigError(
        `${config.id}: no API key. Pass apiKey to the ${config.id} plugin or set ${config.apiKeyEnv}.`,
        { provider: config.id },
      )
    }
    if (own?.apiKey !== apiKey) {
      own = {
        apiKey,
        client: new OpenAI({
          apiKey,
          baseURL: config.baseURL,
          organization: config.organization ?? null,
          project: config.project ?? null,
          defaultHeaders: config.headers,
          maxRetries: 0,
        }),
      }
    }
    return own
  }

  return (ctx) => {
    const chosen = ctx.credentials
    if (
      !chosen?.apiKey &&
      !chosen?.baseURL &&
      !chosen?.organization &&
      !chosen?.project &&
      !chosen?.headers
    ) {
      return ownClient()
    }
    const base = chosen.apiKey ? undefined : ownClient()
    const apiKey = chosen.apiKey ?? (base as ResolvedClient).apiKey
    return {
      apiKey,
      client: new OpenAI({
        apiKey,
        baseURL: chosen.baseURL ?? config.baseURL,
        organization: chosen.organization ?? config.organization ?? null,
        project: chosen.project ?? config.project ?? null,
        defaultHeaders: { ...config.headers, ...chosen.headers },
        maxRetries: 0,
      }),
    }
  }
}
