import { z } from 'zod'
import { computeCost } from '../cost/cost.js'
import type { PriceCatalog } from '../cost/price-catalog.js'
import { normalizeUsage } from '../cost/usage.js'
import { ConfigError } from '../errors/errors.js'
import { parseModelRef } from '../spec/model.js'
import type { CatalogStore } from '../store/catalog-store.js'
import { weightedPick } from './weighted-pick.js'

const memberSchema = z.union([
  z.string().min(1),
  z.strictObject({ model: z.string().min(1), weight: z.number().positive().default(1) }),
])

export const modelGroupSchema = z.strictObject({
  /**
   * - priority: the models in the order listed
   * - weighted: one picked at random by weight first, then the rest in order
   * - lowest-cost: the cheapest (catalog prices, for this request's size) among the models that
   *   have what the request needs: tools, vision, JSON output, a large enough context window
   * - lowest-latency: the fastest observed so far (models not yet observed first, to learn them)
   */
  strategy: z.enum(['priority', 'weighted', 'lowest-cost', 'lowest-latency']).default('priority'),
  models: z.array(memberSchema).min(1),
})
export type ModelGroupInput = z.input<typeof modelGroupSchema>
export type ModelGroup = z.output<typeof modelGroupSchema>

/** What a request needs from a model. */
export interface RouteNeeds {
  tools: boolean
  vision: boolean
  json: boolean
  inputTokens: number
  outputTokens: number
}

/** Latency is kept as an exponentially weighted mean; a new observation counts for this much. */
const LATENCY_WEIGHT = 0.2

/**
 * Orders a group's models for one request; the first is called and the rest become its fallback
 * chain. Latencies are learnt from every call the instance makes to a model of a lowest-latency
 * group, and kept for those models only, so that calls to other model strings leave no state.
 */
export function createRouter(deps: {
  catalog: CatalogStore
  prices: PriceCatalog
  groups: Record<string, ModelGroup>
  random?: () => number
}) {
  const timed = new Set(
    Object.values(deps.groups)
      .filter((g) => g.strategy === 'lowest-latency')
      .flatMap((g) => g.models.map((m) => (typeof m === 'string' ? m : m.model))),
  )
  const latency = new Map<string, number>()
  const random = deps.random ?? Math.random

  return {
    /** Records one successful call's latency for "provider:model". */
    observe(ref: string, latencyMs: number): void {
      if (!timed.has(ref)) return
      const before = latency.get(ref)
      latency.set(ref, before === undefined ? latencyMs : before + LATENCY_WEIGHT * (latencyMs - before))
    },

    async order(name: string, group: ModelGroup, needs: RouteNeeds): Promise<string[]> {
      const members = group.models.map((m) => (typeof m === 'string' ? { model: m, weight: 1 } : m))
      const refs = members.map((m) => m.model)
      if (group.strategy === 'priority') return refs
      if (group.strategy === 'weighted') {
        const chosen = weightedPick(members, (m) => m.weight, random)!
        return [chosen.model, ...refs.filter((r) => r !== chosen.model)]
      }
      if (group.strategy === 'lowest-latency') {
        const observed = (ref: string) => latency.get(ref) ?? -1
        return [...refs].sort((a, b) => observed(a) - observed(b))
      }
      const able: { ref: string; cost: number }[] = []
      for (const ref of refs) {
        const parsed = parseModelRef(ref)!
        const info = await deps.catalog.getModel(parsed.provider, parsed.model)
        const caps = info?.capabilities ?? {}
        if ((needs.tools && caps.tools === false) || (needs.vision && caps.vision === false)) continue
        if (needs.json && caps.json === false) continue
        if (info?.contextWindow !== undefined && info.contextWindow < needs.inputTokens + needs.outputTokens)
          continue
        const price = deps.prices.resolve(parsed.provider, parsed.model)
        const usage = normalizeUsage({ inputTokens: needs.inputTokens, outputTokens: needs.outputTokens })
        able.push({ ref, cost: price ? computeCost(usage, price).nanoUsd : Number.POSITIVE_INFINITY })
      }
      if (able.length === 0) {
        const wanted = Object.entries(needs)
          .filter(([k, v]) => v === true && k !== 'inputTokens')
          .map(([k]) => k)
        throw new ConfigError(
          `No model of group '${name}' can serve this request (it needs ${[...wanted, `${needs.inputTokens} tokens of context`].join(', ')}).`,
        )
      }
      return able.sort((a, b) => a.cost - b.cost).map((a) => a.ref)
    },
  }
}

export type Router = ReturnType<typeof createRouter>
