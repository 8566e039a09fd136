import type { ModelPrice, ProviderModelInfo } from '@aimux/ai-core'
import { perMillion } from './per-million.js'

/** One entry of OpenRouter's GET /models, as far as aimux reads it. */
export interface OpenRouterModel {
  id: string
  name?: string
  context_length?: number | null
  architecture?: { input_modalities?: string[] }
  pricing?: Record<string, string | undefined>
  top_provider?: { max_completion_tokens?: number | null }
  supported_parameters?: string[]
  expiration_date?: string | null
}

const positive = (value: number | null | undefined) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined

/** Prices per million tokens from OpenRouter's per-token strings; none when input or output has no price. */
function priceOf(pricing: OpenRouterModel['pricing']): ModelPrice | undefined {
  const rate = (field: string) =>
    pricing?.[field] === undefined ? undefined : perMillion(pricing[field] as string)
  const input = rate('prompt')
  const output = rate('completion')
  if (input === undefined || output === undefined) return undefined
  const price: ModelPrice = { input, output }
  const cachedInput = rate('input_cache_read')
  const cacheWrite = rate('input_cache_write')
  const reasoning = rate('internal_reasoning')
  if (cachedInput !== undefined) price.cachedInput = cachedInput
  if (cacheWrite !== undefined) price.cacheWrite = cacheWrite
  if (reasoning) price.reasoning = reasoning
  return price
}

/**
 * An OpenRouter model as the catalog knows it: its name, context window, output limit,
 * capabilities from its modalities and supported parameters, and its prices per million tokens,
 * which `ai.models.sync()` puts into the price catalog.
 */
export function openrouterModel(entry: OpenRouterModel): ProviderModelInfo {
  const parameters = new Set(entry.supported_parameters ?? [])
  const contextWindow = positive(entry.context_length)
  const maxOutputTokens = positive(entry.top_provider?.max_completion_tokens)
  const price = priceOf(entry.pricing)
  return {
    id: entry.id,
    ...(entry.name ? { name: entry.name } : {}),
    ...(contextWindow ? { contextWindow } : {}),
    ...(maxOutputTokens ? { maxOutputTokens } : {}),
    capabilities: {
      streaming: true,
      tools: parameters.has('tools'),
      vision: entry.architecture?.input_modalities?.includes('image') ?? false,
      json: parameters.has('response_format') || parameters.has('structured_outputs'),
      reasoning: parameters.has('reasoning'),
    },
    ...(price ? { price } : {}),
    ...(entry.expiration_date ? { deprecated: true } : {}),
  }
}
