import type { CallContext, ProviderModelInfo } from '@aimux/ai-core'
import type OpenAI from 'openai'
import type { ResolvedClient } from './openai-client.js'
import { mapOpenAIError } from './openai-error.js'

export interface ModelsEndpointConfig {
  provider: string
  /** Maps one entry of GET /models; undefined leaves it out. Default: its id. */
  toModelInfo?: (entry: Record<string, unknown>) => ProviderModelInfo | undefined
  /** The cheap authenticated call `validateCredentials` makes. Default: GET /models. */
  validate?: (client: OpenAI, signal: AbortSignal) => Promise<unknown>
}

/** `listModels` from GET /models and `validateCredentials` from a cheap authenticated call, errors typed. */
export function modelsEndpoint(resolve: (ctx: CallContext) => ResolvedClient, config: ModelsEndpointConfig) {
  const { provider } = config
  return {
    async listModels(ctx: CallContext): Promise<ProviderModelInfo[]> {
      const { client, apiKey } = resolve(ctx)
      try {
        const page = await client.models.list({ signal: ctx.signal })
        return page.data.flatMap((entry) => {
          const info = config.toModelInfo
            ? config.toModelInfo(entry as unknown as Record<string, unknown>)
            : { id: entry.id }
          return info ? [info] : []
        })
      } catch (error) {
        throw mapOpenAIError(error, { provider, signal: ctx.signal, apiKey })
      }
    },
    async validateCredentials(ctx: CallContext): Promise<void> {
      const { client, apiKey } = resolve(ctx)
      try {
        await (config.validate
          ? config.validate(client, ctx.signal)
          : client.models.list({ signal: ctx.signal }))
      } catch (error) {
        throw mapOpenAIError(error, { provider, signal: ctx.signal, apiKey })
      }
    },
  }
}
