import {
  AbortedError,
  ConnectionError,
  defineProvider,
  type FinishReason,
  type Plugin,
  type ProviderAdapter,
  type ProviderModelInfo,
} from '@aimux/ai-core'
import {
  createClientCache,
  invalidResponse,
  parseToolArguments,
  sdkSignal,
  validateOptions,
} from '@aimux/ai-core/provider-kit'
import Anthropic from '@anthropic-ai/sdk'
import { z } from 'zod'
import { anthropicBatch } from './anthropic-batch.js'
import { anthropicError } from './anthropic-error.js'
import { anthropicPrices } from './anthropic-prices.js'
import { anthropicCountRequest, anthropicRequest } from './anthropic-request.js'
import {
  type AnthropicUsageReport,
  anthropicFinishReason,
  anthropicResult,
  anthropicUsage,
  mergeUsageReports,
  unreadableMessage,
} from './anthropic-response.js'
import { maskedLogger } from './masked-logger.js'

export interface AnthropicOptions {
  /** Default: the ANTHROPIC_API_KEY environment variable, read at the first call. */
  apiKey?: string
  /** Default: the SDK's own (ANTHROPIC_BASE_URL, else https://api.anthropic.com). */
  baseURL?: string
  /** Headers sent with every request, such as `anthropic-beta`. */
  headers?: Record<string, string>
  /** `max_tokens` for requests without `maxOutputTokens` (the API requires one). Default 4096. */
  defaultMaxTokens?: number
}

const optionsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  defaultMaxTokens: z.int().positive().optional(),
})

/** The plugin applications install: `createAI({ plugins: [anthropic()] })`. */
export function anthropic(options: AnthropicOptions = {}): Plugin {
  const provider = anthropicAdapter(options)
  return { name: 'anthropic', setup: (host) => host.registerProvider(provider) }
}

/**
 * The Anthropic Messages API as an aimux provider, on the official @anthropic-ai/sdk. Invalid
 * options are a ConfigError naming the field.
 */
export function anthropicAdapter(input: AnthropicOptions = {}): ProviderAdapter {
  const options = validateOptions(optionsSchema, input, 'anthropic')
  const defaultMaxTokens = options.defaultMaxTokens ?? 4096
  // One client per set of credentials; those chosen for a call (by a rotation plugin, say) win
  // over the adapter's own. The core owns retries: the SDK makes one attempt. What the SDK logs
  // goes to the console with the key masked.
  const clientFor = createClientCache({
    provider: 'anthropic',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    defaults: { apiKey: options.apiKey, baseURL: options.baseURL, headers: options.headers },
    create: ({ apiKey, baseURL, headers }) =>
      new Anthropic({
        apiKey,
        baseURL,
        maxRetries: 0,
        defaultHeaders: headers,
        logger: maskedLogger(apiKey ? [apiKey] : []),
      }),
  })

  return defineProvider({
    id: 'anthropic',
    capabilities: { streaming: true, tools: true, vision: true, json: true, reasoning: true },
    prices: anthropicPrices,
    batch: anthropicBatch(clientFor, defaultMaxTokens),

    async generate(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const message = await client.messages.create(
          { ...anthropicRequest(request, defaultMaxTokens), stream: false },
          { signal: sdkSignal(ctx) },
        )
        const problem = unreadableMessage(message)
        if (problem) {
          const secrets = apiKey ? [apiKey] : []
          throw invalidResponse({
            provider: 'anthropic',
            model: request.model,
            problem,
            body: message,
            secrets,
          })
        }
        return anthropicResult(message)
      } catch (error) {
        throw anthropicError(error, { signal: ctx.signal, model: request.model, apiKey })
      }
    },

    async *stream(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const events = await client.messages.create(
          { ...anthropicRequest(request, defaultMaxTokens), stream: true },
          { signal: ctx.signal },
        )
        let usage: AnthropicUsageReport = {}
        let model: string | undefined
        let finish: FinishReason | undefined
        const tools = new Map<number, { id: string; name: string; json: string }>()
        // Ping events are dropped by the SDK; an `error` event is thrown from the iteration.
        for await (const event of events) {
          if (event.type === 'message_start') {
            usage = event.message.usage
            model = event.message.model
          } else if (event.type === 'content_block_start') {
            const block = event.content_block
            if (block.type === 'tool_use') {
              tools.set(event.index, { id: block.id, name: block.name, json: '' })
            } else if (block.type === 'redacted_thinking') {
              yield {
                type: 'reasoning-delta',
                text: '',
                providerMetadata: { anthropic: { redactedData: block.data } },
              }
            } else if (block.type === 'text' && block.text) {
              yield { type: 'text-delta', text: block.text }
            }
          } else if (event.type === 'content_block_delta') {
            const delta = event.delta
            if (delta.type === 'text_delta') {
              yield { type: 'text-delta', text: delta.text }
            } else if (delta.type === 'thinking_delta') {
              yield { type: 'reasoning-delta', text: delta.thinking }
            } else if (delta.type === 'signature_delta') {
              yield {
                type: 'reasoning-delta',
                text: '',
                providerMetadata: { anthropic: { signature: delta.signature } },
              }
            } else if (delta.type === 'input_json_delta') {
              const tool = tools.get(event.index)
              if (tool) tool.json += delta.partial_json
            }
          } else if (event.type === 'content_block_stop') {
            const tool = tools.get(event.index)
            if (tool) {
              const args = parseToolArguments(tool.json)
              yield { type: 'tool-call', toolCall: { id: tool.id, name: tool.name, args } }
            }
          } else if (event.type === 'message_delta') {
            usage = mergeUsageReports(usage, event.usage)
            finish = anthropicFinishReason(event.delta.stop_reason)
          }
        }
        // The SDK ends a stream quietly when its signal aborts; the port asks for an error.
        if (ctx.signal.aborted) throw new AbortedError('The call was aborted.', { provider: 'anthropic' })
        if (finish === undefined) {
          throw new ConnectionError('anthropic: the stream ended before the message was complete', {
            provider: 'anthropic',
            model: request.model,
          })
        }
        yield { type: 'usage', usage: anthropicUsage(usage) }
        yield { type: 'finish', finishReason: finish, ...(model ? { model } : {}) }
      } catch (error) {
        // Typed as it is: the core makes a failure after the first part a StreamInterruptedError.
        throw anthropicError(error, { signal: ctx.signal, model: request.model, apiKey })
      }
    },

    // POST /v1/messages/count_tokens: what the model would be sent, counted by Anthropic. Anthropic
    // calls its count an estimate that may differ from the billed input by a few tokens.
    async countTokens(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const counted = await client.messages.countTokens(anthropicCountRequest(request, defaultMaxTokens), {
          signal: sdkSignal(ctx),
        })
        const inputTokens = (counted as { input_tokens?: unknown }).input_tokens
        if (typeof inputTokens !== 'number' || !Number.isInteger(inputTokens) || inputTokens < 0) {
          throw invalidResponse({
            provider: 'anthropic',
            model: request.model,
            problem: 'no input_tokens count',
            body: counted,
            secrets: apiKey ? [apiKey] : [],
          })
        }
        return { inputTokens, exact: true, source: 'provider' }
      } catch (error) {
        throw anthropicError(error, { signal: ctx.signal, model: request.model, apiKey })
      }
    },

    async listModels(ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const models: ProviderModelInfo[] = []
        for await (const model of client.models.list({ limit: 1000 }, { signal: ctx.signal })) {
          models.push({
            id: model.id,
            name: model.display_name,
            ...(model.max_input_tokens ? { contextWindow: model.max_input_tokens } : {}),
            ...(model.max_tokens ? { maxOutputTokens: model.max_tokens } : {}),
            ...(model.lifecycle === 'deprecated' ? { deprecated: true } : {}),
          })
        }
        return models
      } catch (error) {
        throw anthropicError(error, { signal: ctx.signal, apiKey })
      }
    },

    async validateCredentials(ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        await client.models.list({ limit: 1 }, { signal: ctx.signal })
      } catch (error) {
        throw anthropicError(error, { signal: ctx.signal, apiKey })
      }
    },
  })
}
