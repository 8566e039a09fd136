import {
  AbortedError,
  type CallContext,
  defineProvider,
  type ModelPrice,
  type Plugin,
  type ProviderAdapter,
  type ToolCall,
} from '@aimux/ai-core'
import { type ChatResponse, Ollama } from 'ollama'
import { ollamaError, ollamaStreamError } from './ollama-error.js'
import { ollamaRequest } from './ollama-request.js'
import { ollamaFinishReason, ollamaToolCalls, ollamaUsage } from './ollama-response.js'

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
}

/** The plugin applications install: `createAI({ plugins: [ollama()] })`. */
export function ollama(options: OllamaOptions = {}): Plugin {
  const provider = ollamaAdapter(options)
  return { name: 'ollama', setup: (host) => host.registerProvider(provider) }
}

/** Ollama's /api/chat as an aimux provider, on the official ollama client. */
export function ollamaAdapter(options: OllamaOptions = {}): ProviderAdapter {
  const prices = options.prices ?? {}

  // A client per call: the ollama client takes no AbortSignal and keeps no response headers, so
  // its fetch adds the call's signal and remembers the response. It retries nothing.
  const clientFor = (ctx: CallContext) => {
    const host =
      ctx.credentials?.baseURL ?? options.host ?? (process.env.OLLAMA_HOST || 'http://127.0.0.1:11434')
    const apiKey = ctx.credentials?.apiKey ?? options.apiKey
    const headers = {
      ...options.headers,
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
      ...ctx.credentials?.headers,
    }
    const seen: { response?: Response } = {}
    const client = new Ollama({
      host,
      headers,
      fetch: async (input, init) => {
        const signal = init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal
        seen.response = await fetch(input, { ...init, signal })
        return seen.response
      },
    })
    const errorContext = () => ({ signal: ctx.signal, host, apiKey, response: seen.response })
    return { client, errorContext }
  }

  return defineProvider({
    id: 'ollama',
    capabilities: { streaming: true, tools: true, vision: true, json: true, reasoning: true },
    prices: Object.entries(prices).map(([model, price]) => ({ provider: 'ollama', model, price })),

    async generate(request, ctx) {
      const { client, errorContext } = clientFor(ctx)
      try {
        const response = await client.chat({ ...ollamaRequest(request, options.keepAlive), stream: false })
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
      const { client, errorContext } = clientFor(ctx)
      let text = ''
      let started = false
      try {
        const chunks = await client.chat({ ...ollamaRequest(request, options.keepAlive), stream: true })
        const toToolCalls = ollamaToolCalls(ctx)
        const calls: ToolCall[] = []
        let final: ChatResponse | undefined
        for await (const chunk of chunks) {
          if (chunk.message.thinking) {
            started = true
            yield { type: 'reasoning-delta', text: chunk.message.thinking }
          }
          if (chunk.message.content) {
            text += chunk.message.content
            started = true
            yield { type: 'text-delta', text: chunk.message.content }
          }
          for (const toolCall of toToolCalls(chunk.message.tool_calls)) {
            calls.push(toolCall)
            started = true
            yield { type: 'tool-call', toolCall }
          }
          if (chunk.done) final = chunk
        }
        // An aborted stream is an error, not an end.
        if (ctx.signal.aborted) throw new AbortedError('The call was aborted.', { provider: 'ollama' })
        // The client throws when a stream ends without its `done` object.
        if (final) {
          yield { type: 'usage', usage: ollamaUsage(final) }
          yield {
            type: 'finish',
            finishReason: ollamaFinishReason(final.done_reason, calls.length > 0),
            model: final.model,
          }
        }
      } catch (error) {
        throw ollamaStreamError(error, { ...errorContext(), model: request.model, text, started })
      }
    },

    async listModels(ctx) {
      const { client, errorContext } = clientFor(ctx)
      try {
        const { models } = await client.list()
        // A local model costs nothing; a configured price wins.
        return models.map((model) => ({
          id: model.name,
          price: prices[model.name] ?? { input: 0, output: 0 },
        }))
      } catch (error) {
        throw ollamaError(error, errorContext())
      }
    },

    async validateCredentials(ctx) {
      const { client, errorContext } = clientFor(ctx)
      try {
        await client.list()
      } catch (error) {
        throw ollamaError(error, errorContext())
      }
    },
  })
}
