import type { AI } from '@aimux/ai-core'
import { parseModelRef } from '@aimux/ai-core'

/**
 * Whether a key's `models` let it use `name`: listed as it is ('openai:gpt-4o-mini', '@fast', an
 * alias), under a provider wildcard ('openai:*'), or an alias whose target is listed. A key
 * without `models` may use every model.
 */
export function keyAllowsModel(
  allowed: readonly string[] | undefined,
  name: string,
  aliases: Readonly<Record<string, string>>,
): boolean {
  if (!allowed) return true
  const names = Object.hasOwn(aliases, name) ? [name, aliases[name]!] : [name]
  return names.some((candidate) =>
    allowed.some((pattern) => {
      if (pattern === candidate) return true
      if (!pattern.endsWith(':*')) return false
      const parsed = parseModelRef(candidate)
      return parsed !== undefined && `${parsed.provider}:*` === pattern
    }),
  )
}

/**
 * Whether the instance can route `name`: an alias, a group ('@name'), or 'provider:model' of a
 * registered provider. Whether that provider has such a model is its own answer (a 404 from it
 * becomes the same 404 here).
 */
export function isKnownModel(ai: AI, name: string): boolean {
  const routes = ai.models.routes()
  if (Object.hasOwn(routes.aliases, name)) return true
  if (name.startsWith('@')) return Object.hasOwn(routes.groups, name.slice(1))
  const parsed = parseModelRef(name)
  return parsed !== undefined && ai.providers.list().includes(parsed.provider)
}
