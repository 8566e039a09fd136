import {
  AbortedError,
  type AssistantPart,
  type CallContext,
  ConfigError,
  ConnectionError,
  defineProvider,
  type Plugin,
  type ProviderAdapter,
  type ProviderModelInfo,
} from '@aimux/ai-core'
import { createClientCache, invalidResponse, sdkSignal, validateOptions } from '@aimux/ai-core/provider-kit'
import { type GenerateContentResponseUsageMetadata, GoogleGenAI } from '@google/genai'
import { z } from 'zod'
import { geminiBatch } from './gemini-batch.js'
import { GEMINI_EMBEDDING_BATCH_SIZE, geminiEmbed } from './gemini-embeddings.js'
import { geminiError } from './gemini-error.js'
import { geminiPrices } from './gemini-prices.js'
import { geminiCountRequest, geminiRequest } from './gemini-request.js'
import {
  geminiFinishReason,
  geminiPart,
  geminiResult,
  geminiUsage,
  toolCallIds,
  unreadableAnswer,
} from './gemini-response.js'

export interface GeminiOptions {
  /**
   * Default: the GOOGLE_API_KEY environment variable, else GEMINI_API_KEY (the SDK's order), read
   * at the first call.
   */
  apiKey?: string
  /** Default: the SDK's own (GOOGLE_GEMINI_BASE_URL, else https://generativelanguage.googleapis.com). */
  baseURL?: string
  /** The API version in the path. Default: the SDK's own. */
  apiVersion?: string
  /** Headers sent with every request. */
  headers?: Record<string, string>
}

const optionsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  apiVersion: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
})

/** The plugin applications install: `createAI({ plugins: [gemini()] })`. */
export function gemini(options: GeminiOptions = {}): Plugin {
  const provider = geminiAdapter(options)
  return { name: 'gemini', setup: (host) => host.registerProvider(provider) }
}

/**
 * The Gemini Developer API as an aimux provider, on the official @google/genai SDK. Invalid
 * options are a ConfigError naming the field.
 */
export function geminiAdapter(input: GeminiOptions = {}): ProviderAdapter {
  const options = validateOptions(optionsSchema, input, 'gemini')
  // One client per set of credentials. No retryOptions: the SDK makes one attempt; the core owns retries.
  const clients = createClientCache({
    provider: 'gemini',
    requireApiKey: false,
    defaults: { baseURL: options.baseURL, headers: options.headers },
    create: ({ apiKey, baseURL, headers }) =>
      new GoogleGenAI({
        apiKey,
        vertexai: false,
        ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
        httpOptions: { headers: headers ?? {}, ...(baseURL ? { baseUrl: baseURL } : {}) },
      }),
  })
  // Credentials chosen for the call (by a rotation plugin, say) win over the adapter's own. The
  // key is looked up here, as the SDK looks it up: GOOGLE_API_KEY first, then GEMINI_API_KEY.
  const clientFor = (ctx: CallContext) => {
    const apiKey =
      ctx.credentials?.apiKey ?? options.apiKey ?? (process.env.GOOGLE_API_KEY || process.env.GEMINI_API_KEY)
    if (!apiKey) {
      throw new ConfigError(
        'gemini: no API key. Pass apiKey to the gemini plugin or set GEMINI_API_KEY (or GOOGLE_API_KEY).',
        { provider: 'gemini' },
      )
    }
    return clients({ credentials: { ...ctx.credentials, apiKey } })
  }

  // Automatic continuation would quietly send more requests; each call is one request.
  const perCall = (ctx: CallContext) => ({ abortSignal: sdkSignal(ctx), automaticContinuation: false })

  return defineProvider({
    id: 'gemini',
    capabilities: { streaming: true, tools: true, vision: true, json: true, reasoning: true },
    prices: geminiPrices,
    batch: geminiBatch(clientFor),
    embed: geminiEmbed(clientFor),
    embeddingBatchSize: GEMINI_EMBEDDING_BATCH_SIZE,

    async generate(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      const { model, contents, config } = geminiRequest(request)
      try {
        const response = await client.models.generateContent({
          model,
          contents,
          config: { ...config, ...perCall(ctx) },
        })
        const problem = unreadableAnswer(response)
        if (problem) {
          const secrets = apiKey ? [apiKey] : []
          throw invalidResponse({
            provider: 'gemini',
            model: request.model,
            problem,
            body: response,
            secrets,
          })
        }
        return geminiResult(response, ctx)
      } catch (error) {
        throw geminiError(error, { signal: ctx.signal, model: request.model, apiKey })
      }
    },

    async *stream(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      const { model, contents, config } = geminiRequest(request)
      try {
        const chunks = await client.models.generateContentStream({
          model,
          contents,
          config: { ...config, ...perCall(ctx) },
        })
        const nextId = toolCallIds(ctx)
        let usage: GenerateContentResponseUsageMetadata | undefined
        let reason: string | undefined
        let blocked = false
        let toolCalls = false
        let modelVersion: string | undefined
        for await (const chunk of chunks) {
          // Usage is cumulative: the last report is the total.
          if (chunk.usageMetadata) usage = chunk.usageMetadata
          if (chunk.modelVersion) modelVersion = chunk.modelVersion
          if (chunk.promptFeedback?.blockReason) blocked = true
          const candidate = chunk.candidates?.[0]
          if (candidate?.finishReason) reason = candidate.finishReason
          for (const wirePart of candidate?.content?.parts ?? []) {
            const part: AssistantPart | undefined = geminiPart(wirePart, nextId)
            if (!part) continue
            if (part.type === 'text') {
              yield { type: 'text-delta', text: part.text }
            } else if (part.type === 'reasoning') {
              const { providerMetadata } = part
              yield providerMetadata
                ? { type: 'reasoning-delta', text: part.text, providerMetadata }
                : { type: 'reasoning-delta', text: part.text }
            } else {
              toolCalls = true
              const { type: _part, ...toolCall } = part
              yield { type: 'tool-call', toolCall }
            }
          }
        }
        // Check the signal after the SDK's stream ends: an aborted stream is an error, not an end.
        if (ctx.signal.aborted) throw new AbortedError('The call was aborted.', { provider: 'gemini' })
        if (reason === undefined && !blocked) {
          throw new ConnectionError('gemini: the stream ended before the answer was complete', {
            provider: 'gemini',
            model: request.model,
          })
        }
        yield { type: 'usage', usage: geminiUsage(usage) }
        yield {
          type: 'finish',
          finishReason: geminiFinishReason(reason, toolCalls, blocked),
          ...(modelVersion ? { model: modelVersion } : {}),
        }
      } catch (error) {
        // Typed as it is: the core makes a failure after the first part a StreamInterruptedError.
        throw geminiError(error, { signal: ctx.signal, model: request.model, apiKey })
      }
    },

    // POST /{version}/models/{model}:countTokens. On the Developer API the SDK sends contents
    // only: a system instruction, tools or a response schema are counted as text (not exact).
    async countTokens(request, ctx) {
      const { client, apiKey } = clientFor(ctx)
      const { model, contents, folded } = geminiCountRequest(request)
      try {
        const counted = await client.models.countTokens({
          model,
          contents,
          config: { abortSignal: sdkSignal(ctx) },
        })
        // Protobuf JSON leaves a zero out.
        const inputTokens: unknown = counted.totalTokens ?? 0
        if (typeof inputTokens !== 'number' || !Number.isInteger(inputTokens) || inputTokens < 0) {
          throw invalidResponse({
            provider: 'gemini',
            model: request.model,
            problem: 'no totalTokens count',
            body: counted,
            secrets: apiKey ? [apiKey] : [],
          })
        }
        return { inputTokens, exact: !folded, source: 'provider' }
      } catch (error) {
        throw geminiError(error, { signal: ctx.signal, model: request.model, apiKey })
      }
    },

    async listModels(ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        const models: ProviderModelInfo[] = []
        const pager = await client.models.list({ config: { pageSize: 1000, abortSignal: ctx.signal } })
        for await (const model of pager) {
          if (!model.name || !model.supportedActions?.includes('generateContent')) continue
          models.push({
            id: model.name.replace(/^models\//, ''),
            ...(model.displayName ? { name: model.displayName } : {}),
            ...(model.inputTokenLimit ? { contextWindow: model.inputTokenLimit } : {}),
            ...(model.outputTokenLimit ? { maxOutputTokens: model.outputTokenLimit } : {}),
          })
        }
        return models
      } catch (error) {
        throw geminiError(error, { signal: ctx.signal, apiKey })
      }
    },

    async validateCredentials(ctx) {
      const { client, apiKey } = clientFor(ctx)
      try {
        await client.models.list({ config: { pageSize: 1, abortSignal: ctx.signal } })
      } catch (error) {
        throw geminiError(error, { signal: ctx.signal, apiKey })
      }
    },
  })
}
