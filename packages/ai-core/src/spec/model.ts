import { z } from 'zod'
import { modelPriceSchema } from '../cost/price-catalog.js'

export const capabilitiesSchema = z.object({
  streaming: z.boolean().optional(),
  tools: z.boolean().optional(),
  vision: z.boolean().optional(),
  json: z.boolean().optional(),
  reasoning: z.boolean().optional(),
})
export type Capabilities = z.infer<typeof capabilitiesSchema>

/** A model as the catalog knows it. */
export const modelInfoSchema = z.object({
  provider: z.string().min(1),
  id: z.string().min(1),
  name: z.string().optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  capabilities: capabilitiesSchema.default({}),
  /** Where the provider publishes prices (OpenRouter does), they go into the price catalog on sync. */
  price: modelPriceSchema.optional(),
  deprecated: z.boolean().optional(),
  /** When `ai.models.sync()` last listed it from its provider; the core sets it, adapters do not. */
  syncedAt: z.date().optional(),
})
export type ModelInfoInput = z.input<typeof modelInfoSchema>
/** A model as an adapter lists it: the core fills in the provider. */
export type ProviderModelInfo = Omit<ModelInfoInput, 'provider'>
export type ModelInfo = z.output<typeof modelInfoSchema>

/** "provider:model" split at the first colon; model ids may contain colons themselves. */
export function parseModelRef(ref: string): { provider: string; model: string } | undefined {
  const at = ref.indexOf(':')
  if (at <= 0 || at === ref.length - 1) return undefined
  return { provider: ref.slice(0, at), model: ref.slice(at + 1) }
}
