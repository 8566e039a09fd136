import type { Plugin, ProviderAdapter } from '@aimux/ai-core'
import { validateOptions } from '@aimux/ai-core/provider-kit'
import { createOpenAICompatibleAdapter, openaiCompatibleEmbeddings } from '@aimux/ai-openai'
import { z } from 'zod'
import { type OpenRouterModel, openrouterModel } from './openrouter-model.js'
import { openrouterPrices } from './openrouter-prices.js'
import { openrouterCost, openrouterUsage } from './openrouter-response.js'

export interface OpenRouterOptions {
  /** Default: the OPENROUTER_API_KEY environment variable, read at the first call. */
  apiKey?: string
  /** Default: https://openrouter.ai/api/v1. */
  baseURL?: string
  /** Your app's name, sent as X-Title for OpenRouter's rankings. */
  appName?: string
  /** Your app's URL, sent as HTTP-Referer for OpenRouter's rankings. */
  appUrl?: string
  /** Headers sent with every request. */
  headers?: Record<string, string>
  /** The provider id, as in "openrouter:openai/gpt-5". Default 'openrouter'. */
  id?: string
}

const optionsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  appName: z.string().min(1).optional(),
  appUrl: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  id: z.string().min(1).optional(),
})

/** The OpenRouter adapter alone, as tests and the conformance suite call it. Invalid options are a ConfigError. */
export function openrouterAdapter(input: OpenRouterOptions = {}): ProviderAdapter {
  const options = validateOptions(optionsSchema, input, 'openrouter')
  const id = options.id ?? 'openrouter'
  const connection = {
    id,
    apiKey: options.apiKey,
    apiKeyEnv: 'OPENROUTER_API_KEY',
    baseURL: options.baseURL ?? 'https://openrouter.ai/api/v1',
    headers: {
      ...(options.appUrl ? { 'HTTP-Referer': options.appUrl } : {}),
      ...(options.appName ? { 'X-Title': options.appName } : {}),
      ...options.headers,
    },
  }
  const chat = createOpenAICompatibleAdapter({
    ...connection,
    maxTokensField: 'max_tokens',
    reasoning: ({ effort, budgetTokens }) => ({
      reasoning: budgetTokens ? { max_tokens: budgetTokens } : effort ? { effort } : { enabled: true },
    }),
    // Usage accounting: the reply's usage carries `cost`, what OpenRouter charged.
    extraBody: { usage: { include: true } },
    readUsage: openrouterUsage,
    // Reasoning blocks (`reasoning_details`, signed or encrypted) go back with the turn that made
    // them, as Anthropic's and Gemini's reasoning models behind OpenRouter need for tool calls.
    reasoningDetails: { metadataKey: 'openrouter' },
    // OpenAI's models ("openai/gpt-4o") are counted with their tokenizer; any other is estimated.
    tokenizerModel: (model) => (model.startsWith('openai/') ? model.slice('openai/'.length) : undefined),
    toModelInfo: (entry) => openrouterModel(entry as unknown as OpenRouterModel),
    // GET /models is public; GET /key answers only to a valid key.
    validate: (client, signal) => client.get('/key', { signal }),
    prices: openrouterPrices.map((entry) => ({ ...entry, provider: id })),
  })
  // POST /embeddings speaks OpenAI's wire; its usage carries `cost` as chat's does (the endpoint
  // takes no `usage` parameter to ask for it).
  const embeddings = openaiCompatibleEmbeddings(connection, {
    readCost: (usage) => openrouterCost(usage.cost),
  })
  return { ...chat, ...embeddings }
}

/**
 * The OpenRouter provider plugin: hundreds of models behind one OpenAI-compatible API. The cost
 * OpenRouter reports for each call (chat or `ai.embed()`) is the call's cost; `ai.models.sync()`
 * brings in every model GET /models lists, with its prices; routing preferences (`provider`) and fallback models
 * (`models`) pass through `providerOptions.openrouter`.
 *
 * @example const ai = await createAI({ plugins: [openrouter({ appName: 'Acme' })], defaultModel: 'openrouter:openai/gpt-5' })
 */
export function openrouter(options: OpenRouterOptions = {}): Plugin {
  const provider = openrouterAdapter(options)
  return { name: provider.id, setup: (host) => host.registerProvider(provider) }
}
