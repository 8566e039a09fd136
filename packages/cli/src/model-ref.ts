import { type AI, parseModelRef } from '@aimux/ai-core'
import { UsageError } from './usage-error.js'

/**
 * A model as the command line names it: `provider:model`, an alias from the config or `@group`.
 * A bare model id is a UsageError: which provider serves it is the caller's choice.
 */
export function checkModelRef(ref: string, ai: AI): string {
  const { aliases, groups } = ai.models.routes()
  if (
    parseModelRef(ref) ||
    Object.hasOwn(aliases, ref) ||
    (ref.startsWith('@') && Object.hasOwn(groups, ref.slice(1)))
  ) {
    return ref
  }
  if (ref.startsWith('@')) {
    const known = Object.keys(groups)
    throw new UsageError(
      `there is no group '${ref}'${known.length > 0 ? ` (groups: ${known.map((g) => `@${g}`).join(', ')})` : ''}`,
    )
  }
  const providers = ai.providers.list()
  const example = `${providers[0] ?? 'openai'}:${ref}`
  throw new UsageError(
    `model '${ref}' has no provider: write provider:model, such as ${example}` +
      (providers.length > 0 ? ` (providers: ${providers.join(', ')})` : ''),
  )
}
