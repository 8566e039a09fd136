import type { Plugin, ProviderAdapter } from '@aimux/ai-core'
import { validateOptions } from '@aimux/ai-core/provider-kit'
import { createOpenAICompatibleAdapter } from '@aimux/ai-openai'
import { z } from 'zod'
import { xaiPrices } from './xai-prices.js'
import { xaiUsage } from './xai-response.js'

export interface XAIOptions {
  /** Default: the XAI_API_KEY environment variable, read at the first call. */
  apiKey?: string
  /** Default: https://api.x.ai/v1. */
  baseURL?: string
  /** Headers sent with every request. */
  headers?: Record<string, string>
  /** The provider id, as in "xai:grok-4-1-fast-reasoning". Default 'xai'. */
  id?: string
}

const optionsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  id: z.string().min(1).optional(),
})

/** The xAI adapter alone, as tests and the conformance suite call it. Invalid options are a ConfigError. */
export function xaiAdapter(input: XAIOptions = {}): ProviderAdapter {
  const options = validateOptions(optionsSchema, input, 'xai')
  const id = options.id ?? 'xai'
  return createOpenAICompatibleAdapter({
    id,
    apiKey: options.apiKey,
    apiKeyEnv: 'XAI_API_KEY',
    baseURL: options.baseURL ?? 'https://api.x.ai/v1',
    headers: options.headers,
    readUsage: xaiUsage,
    prices: xaiPrices.map((entry) => ({ ...entry, provider: id })),
  })
}

/**
 * The xAI provider plugin: Grok models on xAI's OpenAI-compatible Chat Completions API, with
 * `reasoning_content` surfaced as reasoning, reasoning tokens counted into the output, and
 * xAI's built-in prices.
 *
 * @example const ai = await createAI({ plugins: [xai()], defaultModel: 'xai:grok-4-1-fast-reasoning' })
 */
export function xai(options: XAIOptions = {}): Plugin {
  const provider = xaiAdapter(options)
  return { name: provider.id, setup: (host) => host.registerProvider(provider) }
}
