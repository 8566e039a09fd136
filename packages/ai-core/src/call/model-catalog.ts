import type { ModelPrice, PriceCatalog, PriceEntry } from '../cost/price-catalog.js'
import { type AimuxError, toAimuxError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import type { EventBus } from '../events/event-bus.js'
import type { ModelGroup } from '../middleware/router.js'
import { newContext } from '../spec/call-context.js'
import { type ModelInfo, modelInfoSchema, parseModelRef } from '../spec/model.js'
import type { Registry } from '../spec/registry.js'
import type { Store } from '../store/store.js'
import { memberRef } from './prepare-call.js'

export interface SyncResult {
  models: ModelInfo[]
  failed: { provider: string; error: AimuxError }[]
}

/** `ai.models`: the model catalog and its prices. */
export interface ModelCatalog {
  list(filter?: { provider?: string }): Promise<ModelInfo[]>
  /** A model by "provider:model", or undefined when the catalog does not know it. */
  get(ref: string): Promise<ModelInfo | undefined>
  /** The price in force for "provider:model" at `at` (default now). */
  price(ref: string, at?: Date): ModelPrice | undefined
  /**
   * Asks every registered provider (or those named) for its models and upserts them, with
   * capabilities, context window and published prices, into the catalog. A provider that fails
   * is reported in `failed`; the others are still synced. Emits 'models:synced'.
   */
  sync(options?: { providers?: string[] }): Promise<SyncResult>
  /**
   * The names a request may use besides "provider:model": each alias with what it names, and
   * each group ("@name" in a request) with its models in the order configured.
   */
  routes(): ModelRoutes
}

/** The aliases and model groups of an instance, as `ai.models.routes()` lists them. */
export interface ModelRoutes {
  aliases: Record<string, string>
  groups: Record<string, string[]>
}

export function createModelCatalog(deps: {
  registry: Registry
  store: Store
  prices: PriceCatalog
  events: EventBus
  newId(): string
  aliases: Readonly<Record<string, string>>
  groups: Readonly<Record<string, ModelGroup>>
}): ModelCatalog {
  const { registry, store, prices, events } = deps
  return {
    routes: () => ({
      aliases: { ...deps.aliases },
      groups: Object.fromEntries(
        Object.entries(deps.groups).map(([name, group]) => [name, group.models.map(memberRef)]),
      ),
    }),
    list: (filter) => store.catalog.listModels(filter),
    async get(ref) {
      const parsed = parseModelRef(ref)
      return parsed ? store.catalog.getModel(parsed.provider, parsed.model) : undefined
    },
    price(ref, at) {
      const parsed = parseModelRef(ref)
      return parsed ? prices.resolve(parsed.provider, parsed.model, at) : undefined
    },
    async sync(options = {}) {
      const adapters = (options.providers ?? registry.providers().map((p) => p.id)).map((id) =>
        registry.provider(id),
      )
      const now = new Date()
      const synced: ModelInfo[] = []
      const failed: SyncResult['failed'] = []
      const ok: string[] = []
      await Promise.all(
        adapters.map(async (adapter) => {
          if (!adapter.listModels) return
          const ctx = newContext(deps.newId())
          try {
            const models = (await adapter.listModels(ctx)).map((m) =>
              validate(
                modelInfoSchema,
                { ...m, provider: adapter.id, syncedAt: now },
                `model from provider '${adapter.id}'`,
              ),
            )
            await store.catalog.upsertModels(models)
            const changed: PriceEntry[] = []
            for (const m of models) {
              if (!m.price) continue
              const stored = await store.catalog.getPrice(adapter.id, m.id, now)
              if (!samePrice(m.price, stored?.price)) {
                changed.push({ provider: adapter.id, model: m.id, effectiveFrom: now, price: m.price })
              }
            }
            if (changed.length > 0) {
              await store.catalog.upsertPrices(changed)
              prices.add(changed, 'synced')
            }
            synced.push(...models)
            ok.push(adapter.id)
          } catch (error) {
            failed.push({
              provider: adapter.id,
              error: toAimuxError(error, { ...ctx, provider: adapter.id }),
            })
          }
        }),
      )
      events.emit('models:synced', { models: synced.length, providers: ok, failed })
      return { models: synced, failed }
    },
  }
}

function samePrice(a: ModelPrice, b: ModelPrice | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(b)
}

/** JSON with sorted keys, so that a store that reorders keys (jsonb) compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  )
}
