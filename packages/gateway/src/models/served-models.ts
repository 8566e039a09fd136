import { type AI, parseModelRef } from '@aimux/ai-core'
import type { Caller } from '../auth/caller.js'
import { isKnownModel, keyAllowsModel } from './model-access.js'

/** A model as OpenAI's `GET /v1/models` lists it. */
export interface OpenAIModel {
  id: string
  object: 'model'
  /** Unix seconds; aimux does not know when a provider made a model, so 0. */
  created: number
  owned_by: string
}

const model = (id: string, ownedBy: string): OpenAIModel => ({
  id,
  object: 'model',
  created: 0,
  owned_by: ownedBy,
})

/**
 * The models a caller may name: the catalog's (of the providers registered; `ai.models.sync()`
 * fills it), the aliases and the groups ('@name', owned by 'aimux'), and the models a key lists
 * by name; for a key with `models`, only those it may use. Sorted by id.
 */
export async function servedModels(ai: AI, caller: Caller): Promise<OpenAIModel[]> {
  const routes = ai.models.routes()
  const providers = new Set(ai.providers.list())
  const found = new Map<string, OpenAIModel>()
  for (const info of await ai.models.list()) {
    if (providers.has(info.provider)) {
      const id = `${info.provider}:${info.id}`
      found.set(id, model(id, info.provider))
    }
  }
  for (const alias of Object.keys(routes.aliases)) found.set(alias, model(alias, 'aimux'))
  for (const group of Object.keys(routes.groups)) found.set(`@${group}`, model(`@${group}`, 'aimux'))
  const allowed = caller.kind === 'key' ? caller.key.models : undefined
  for (const name of allowed ?? []) {
    if (found.has(name) || name.endsWith(':*') || !isKnownModel(ai, name)) continue
    found.set(name, model(name, parseModelRef(name)?.provider ?? 'aimux'))
  }
  return [...found.values()]
    .filter((entry) => keyAllowsModel(allowed, entry.id, routes.aliases))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
