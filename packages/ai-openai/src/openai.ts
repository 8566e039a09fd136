import type { Plugin, ProviderAdapter } from '@aimux/ai-core'
import { validateOptions } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'
import { openaiBatch } from './batch/openai-batch.js'
import { createOpenAICompatibleAdapter } from './chat/openai-chat.js'
import { openaiCompatibleEmbeddings } from './embeddings/openai-compatible-embeddings.js'
import { openaiClients } from './openai-client.js'
import { openaiPrices } from './openai-prices.js'
import { createOpenAIResponsesAdapter } from './responses/openai-responses.js'

export interface OpenAIOptions {
  /** Default: the OPENAI_API_KEY environment variable, read at the first call. */
  apiKey?: string
  /** Default: the OPENAI_BASE_URL environment variable, else https://api.openai.com/v1. */
  baseURL?: string
  /** Sent as OpenAI-Organization. Default: the OPENAI_ORG_ID environment variable. */
  organization?: string
  /** Sent as OpenAI-Project. Default: the OPENAI_PROJECT_ID environment variable. */
  project?: string
  /** 'chat' for Chat Completions (the default) or 'responses' for the Responses API. */
  api?: 'chat' | 'responses'
  /** Headers sent with every request. */
  headers?: Record<string, string>
  /** The provider id, as in "openai:gpt-5.4". Default 'openai'; another id registers a second instance. */
  id?: string
}

const optionsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  organization: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  api: z.enum(['chat', 'responses']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  id: z.string().min(1).optional(),
})

/** The OpenAI adapter alone, as tests and the conformance suite call it. Invalid options are a ConfigError. */
export function openaiAdapter(input: OpenAIOptions = {}): ProviderAdapter {
  const options = validateOptions(optionsSchema, input, 'openai')
  const id = options.id ?? 'openai'
  const config = {
    id,
    apiKey: options.apiKey,
    apiKeyEnv: 'OPENAI_API_KEY',
    baseURL: options.baseURL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
    organization: options.organization ?? process.env.OPENAI_ORG_ID,
    project: options.project ?? process.env.OPENAI_PROJECT_ID,
    headers: options.headers,
    prices: openaiPrices.map((entry) => ({ ...entry, provider: id })),
    // Counted locally with the model's own tokenizer; a model it does not know is estimated.
    tokenizerModel: (model: string) => model,
  }
  const adapter =
    options.api === 'responses' ? createOpenAIResponsesAdapter(config) : createOpenAICompatibleAdapter(config)
  // Batch jobs go through Chat Completions, whichever API the chat calls use.
  return {
    ...adapter,
    batch: openaiBatch(id, config, openaiClients(config)),
    ...openaiCompatibleEmbeddings(config),
  }
}

/**
 * The OpenAI provider plugin: Chat Completions, or the Responses API with `api: 'responses'`, on
 * the official `openai` SDK, with OpenAI's built-in prices.
 *
 * @example const ai = await createAI({ plugins: [openai()], defaultModel: 'openai:gpt-5.4-mini' })
 */
export function openai(options: OpenAIOptions = {}): Plugin {
  const provider = openaiAdapter(options)
  return { name: provider.id, setup: (host) => host.registerProvider(provider) }
}
