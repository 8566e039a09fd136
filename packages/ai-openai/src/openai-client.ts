import type { CallContext } from '@aimux/ai-core'
import { createClientCache } from '@aimux/ai-core/provider-kit'
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
 * Returns the client for a call: one per distinct set of credentials (the plugin's own, or those
 * a middleware chose for the call, which win field by field), made at the first call that needs
 * it, so a missing key is a clear ConfigError then, not at import. The organization and project
 * are sent only when given: the SDK would otherwise read OPENAI_ORG_ID and OPENAI_PROJECT_ID,
 * which must not reach another provider. The SDK's retries are off: the core owns retries.
 */
export function openaiClients(config: ClientConfig): (ctx: CallContext) => ResolvedClient {
  const clients = createClientCache({
    provider: config.id,
    apiKeyEnv: config.apiKeyEnv,
    defaults: {
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      organization: config.organization,
      project: config.project,
      headers: config.headers,
    },
    create: (settings) =>
      new OpenAI({
        apiKey: settings.apiKey,
        baseURL: settings.baseURL,
        organization: settings.organization ?? null,
        project: settings.project ?? null,
        defaultHeaders: settings.headers,
        maxRetries: 0,
      }),
  })
  return (ctx) => {
    const { client, apiKey } = clients(ctx)
    // The cache requires a key (apiKeyEnv is set), so one is always there.
    return { client, apiKey: apiKey ?? '' }
  }
}
