import { weightedPick } from '@aimux/ai-core/provider-kit'

/** What selection needs to know of a connection that could serve the call now. */
export interface Candidate {
  priority: number
  weight: number
  status: 'active' | 'retiring' | 'disabled'
}

/**
 * Picks one of the connections able to serve a call now (none disabled, cooling down or over its
 * limits): active ones first, retiring ones only when no active one is left; among those, the
 * highest priority; among equals, at random in proportion to their weights.
 */
export function pickConnection<T extends Candidate>(
  available: readonly T[],
  random: () => number = Math.random,
): T | undefined {
  const active = available.filter((c) => c.status === 'active')
  const pool = active.length > 0 ? active : available.filter((c) => c.status === 'retiring')
  if (pool.length === 0) return undefined
  const top = Math.max(...pool.map((c) => c.priority))
  return weightedPick(
    pool.filter((c) => c.priority === top),
    (c) => c.weight,
    random,
  )
}
