import { z } from 'zod'
import { validate } from '../errors/validate.js'
import { ANY_MODEL, baseModels } from './model-aliases.js'

const rate = z.number().finite().nonnegative()

/**
 * Prices in USD per million tokens. Missing cachedInput / cacheWrite fall back to input,
 * cacheWrite1h (1-hour cache writes, Anthropic) to cacheWrite, reasoning to output.
 */
export const ratesSchema = z.object({
  input: rate,
  output: rate,
  cachedInput: rate.optional(),
  cacheWrite: rate.optional(),
  cacheWrite1h: rate.optional(),
  reasoning: rate.optional(),
})

export const modelPriceSchema = ratesSchema.extend({
  /**
   * Long-context tiers: when a request's inputTokens exceed `aboveInputTokens`, the whole request
   * is priced at the tier's rates (the highest threshold passed wins; missing rates fall back to
   * the base rates).
   */
  tiers: z.array(ratesSchema.partial().extend({ aboveInputTokens: z.number().int().positive() })).optional(),
})
export type Rates = z.infer<typeof ratesSchema>
export type ModelPrice = z.infer<typeof modelPriceSchema>

export const priceEntrySchema = z.object({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** The price applies to calls made at or after this time; the default is "always". */
  effectiveFrom: z.coerce.date().default(() => new Date(0)),
  price: modelPriceSchema,
})
export type PriceEntryInput = z.input<typeof priceEntrySchema>
export type PriceEntry = z.output<typeof priceEntrySchema>

/** Where a price came from. A user's own prices win over synced ones, synced over built-in ones. */
export type PriceSource = 'builtin' | 'synced' | 'user'
const rank: Record<PriceSource, number> = { builtin: 0, synced: 1, user: 2 }

export interface PriceCatalog {
  add(entries: readonly PriceEntryInput[], source: PriceSource): void
  /**
   * The price in force for provider and model at `at`: the model's own, else its base model's
   * when the id is a dated snapshot or an alias (`gpt-4o-mini-2024-07-18` is priced as
   * `gpt-4o-mini`, by each provider's naming rules), else the provider's entry for every model
   * (model `'*'`, how a local provider declares its models free); undefined when none applies.
   */
  resolve(provider: string, model: string, at?: Date): ModelPrice | undefined
  list(): (PriceEntry & { source: PriceSource })[]
}

export function createPriceCatalog(): PriceCatalog {
  const byModel = new Map<string, (PriceEntry & { source: PriceSource })[]>()
  return {
    add(entries, source) {
      for (const input of entries) {
        const entry = { ...validate(priceEntrySchema, input, 'price entry'), source }
        const key = `${entry.provider}:${entry.model}`
        const list = (byModel.get(key) ?? []).filter(
          (e) => !(e.source === source && e.effectiveFrom.getTime() === entry.effectiveFrom.getTime()),
        )
        list.push(entry)
        list.sort(
          (a, b) => rank[b.source] - rank[a.source] || b.effectiveFrom.getTime() - a.effectiveFrom.getTime(),
        )
        byModel.set(key, list)
      }
    },
    resolve(provider, model, at = new Date()) {
      const time = at.getTime()
      const priceOf = (id: string) =>
        byModel.get(`${provider}:${id}`)?.find((e) => e.effectiveFrom.getTime() <= time)?.price
      // The model's own price first: its base models are looked for only when it has none.
      const own = priceOf(model)
      if (own) return own
      for (const id of baseModels(provider, model)) {
        const price = priceOf(id)
        if (price) return price
      }
      return priceOf(ANY_MODEL)
    },
    list() {
      return [...byModel.values()].flat()
    },
  }
}
