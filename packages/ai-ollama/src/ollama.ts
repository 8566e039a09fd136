import {
  AbortedError,
  defineProvider,
  type ModelPrice,
  modelPriceSchema,
  type Plugin,
  type ProviderAdapter,
  type ToolCall,
} from '@aimux/ai-core'
import { invalidResponse, validateOptions } from '@aimux/ai-core/provider-kit'
import type { ChatResponse } from 'ollama'
import { z } from 'zod'
import { createOllamaClients } from './ollama-client.js'
import { OLLAMA_EMBEDDING_BATCH_SIZE, ollamaEmbed } from './ollama-embeddings.js'
import { ollamaError } from './ollama-error.js'
import { ollamaModelPrice, ollamaPrices } from './ollama-prices.js'
import { ollamaRequest } from './ollama-request.js'
import { ollamaFinishReason, ollamaToolCalls, ollamaUsage, unreadableChat } from './ollama-response.js'

export interface OllamaOptions {
  /** The Ollama server. Default: the OLLAMA_HOST environment variable, else http://127.0.0.1:11434. */
  host?: string
  /** Sent as `Authorization: Bearer <key>`, for a hosted Ollama. A local server needs none. */
  apiKey?: string
  /** Headers sent with every request. */
  headers?: Record<string, string>
  /** How long the model stays loaded after a call ("10m", or seconds). Default: the server's own (5m). */
  keepAlive?: string | number
  /**
   * Prices in USD per million tokens by model name, for a hosted Ollama that charges. Every other
   * model costs zero once `ai.models.sync()` has listed it.
   */
  prices?: Record<string, ModelPrice>
  /** The most inputs one /api/embed request takes; larger `ai.embed()` requests are split. Default 128. */
  embeddingBatchSize?: number
}

const optionsSchema = z.strictObject({
  host: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  keepAlive: z.union([z.string().min(1), z.number()]).optional(),
  prices: z.record(z.string().min(1), modelPriceSchema).optional(),
  embeddingBatchSize: z.number().int().positive().optional(),
})

/** The plugin applications install: `createAI({ plugins: [ollama()] })`. */
export function ollama(options: OllamaOptions = {}): Plugin {
  const provider = ollamaAdapter(options)
  return { name: 'ollama', setup: (host) => host.registerProvider(provider) }
}

/** Ollama's /api/chat as an aimux provider, on the official ollama client. Invalid options are a ConfigError naming the field. */
export function ollamaAdapter(options: OllamaOptions = {}): ProviderAdapter {
  validateOptions(optionsSchema, options, 'ollama')
  const prices = options.prices ?? {}
  const clientFor = createOllamaClients(options)

  return defineProvider({
    id: 'ollama',
    capabilities: { streaming: true, tools: true, vision: true, json: true, reasoning: true },
    prices: ollamaPrices(prices),
    embed: ollamaEmbed(clientFor, options.keepAlive),
    embeddingBatchSize: options.embeddingBatchSize ?? OLLAMA_EMBEDDING_BATCH_SIZE,

    async generate(request, ctx) {
      const { run, errorContext } = clientFor(ctx)
      try {
        const response = await run((client) =>
          client.chat({ ...ollamaRequest(request, options.keepAlive), stream: false }),
        )
        const problem = unreadableChat(response)
        if (problem) {
          const { apiKey } = errorContext()
          const secrets = apiKey ? [apiKey] : []
          throw invalidResponse({
            provider: 'ollama',
            model: request.model,
            problem,
            body: response,
            secrets,
          })
        }
        const toolCalls = ollamaToolCalls(ctx)(response.message.tool_calls)
        return {
          content: [
            ...(response.message.thinking
              ? [{ type: 'reasoning' as const, text: response.message.thinking }]
              : []),
            ...(response.message.content ? [{ type: 'text' as const, text: response.message.content }] : []),
            ...toolCalls.map((call) => ({ type: 'tool-call' as const, ...call })),
          ],
          finishReason: ollamaFinishReason(response.done_reason, toolCalls.length > 0),
          usage: ollamaUsage(response),
          model: response.model,
          raw: response,
        }
      } catch (error) {
        throw ollamaError(error, { ...errorContext(), model: request.model })
      }
    },

    async *stream(request, ctx) {
      const { runStream, errorContext } = clientFor(ctx)
      try {
        const chunks = await runStream((client) =>
          client.chat({ ...ollamaRequest(request, options.keepAlive), stream: true }),
        )
        const toToolCalls = ollamaToolCalls(ctx)
        const calls: ToolCall[] = []
        let final: ChatResponse | undefined
        for await (const chunk of chunks) {
          if (chunk.message.thinking) yield { type: 'reasoning-delta', text: chunk.message.thinking }
          if (chunk.message.content) yield { type: 'text-delta', text: chunk.message.content }
          for (const toolCall of toToolCalls(chunk.message.tool_calls)) {
            calls.push(toolCall)
            yield { type: 'tool-call', toolCall }
          }
          if (chunk.done) final = chunk
        }
        // An aborted stream is an error, not an end.
        if (ctx.signal.aborted) throw new AbortedError('The call was aborted.', { provider: 'ollama' })
        // A stream that ends without its `done` object fails in checkedNdjson.
        if (final) {
          yield { type: 'usage', usage: ollamaUsage(final) }
          yield {
            type: 'finish',
            finishReason: ollamaFinishReason(final.done_reason, calls.length > 0),
            model: final.model,
          }
        }
      } catch (error) {
        // Typed as it is: the core makes a failure after the first part a StreamInterruptedError.
        throw ollamaError(error, { ...errorContext(), model: request.model })
      }
    },

    async listModels(ctx) {
      const { run, errorContext } = clientFor(ctx)
      try {
        const { models } = await run((client) => client.list())
        // A local model costs nothing; a configured price wins.
        return models.map((model) => ({ id: model.name, price: ollamaModelPrice(prices, model.name) }))
      } catch (error) {
        throw ollamaError(error, errorContext())
      }
    },

    async validateCredentials(ctx) {
      const { run, errorContext } = clientFor(ctx)
      try {
        await run((client) => client.list())
      } catch (error) {
        throw ollamaError(error, errorContext())
      }
    },
  })
}
