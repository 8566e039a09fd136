import type { Plugin, ProviderAdapter } from '@aimux/ai-core'
import { validateOptions } from '@aimux/ai-core/provider-kit'
import { chatUsage, createOpenAICompatibleAdapter } from '@aimux/ai-openai'
import { z } from 'zod'

const optionsSchema = z.strictObject({
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
})

export type DeepSeekOptions = z.input<typeof optionsSchema>

/** DeepSeek's models on its OpenAI-compatible Chat Completions API. Invalid options are a ConfigError. */
export function deepseekAdapter(input: DeepSeekOptions = {}): ProviderAdapter {
  const options = validateOptions(optionsSchema, input, 'deepseek')
  return createOpenAICompatibleAdapter({
    id: 'deepseek',
    apiKey: options.apiKey,
    apiKeyEnv: 'DEEPSEEK_API_KEY', // read at the first call when apiKey is not given
    baseURL: options.baseURL ?? 'https://api.deepseek.com/v1',
    maxTokensField: 'max_tokens',
    // USD per million tokens. Illustrative: take them from the provider's pricing page.
    prices: [
      {
        provider: 'deepseek',
        model: 'deepseek-chat',
        price: { input: 0.28, cachedInput: 0.028, output: 0.42 },
      },
    ],
    // DeepSeek counts cache hits in its own field, `prompt_cache_hit_tokens` (part of prompt_tokens).
    readUsage: (usage) => {
      const counted = chatUsage(usage)
      const hits = usage.prompt_cache_hit_tokens
      return { usage: typeof hits === 'number' ? { ...counted, cachedInputTokens: hits } : counted }
    },
  })
}

export function deepseek(options: DeepSeekOptions = {}): Plugin {
  const provider = deepseekAdapter(options)
  return { name: provider.id, setup: (host) => host.registerProvider(provider) }
}
