import type { VirtualKey } from '@aimux/ai-core'

/** A key as the admin API shows it: everything but the hash of its secret, dates as ISO strings. */
export interface PublicKey {
  id: string
  prefix: string
  name?: string
  scope: VirtualKey['scope']
  models?: string[]
  limits: VirtualKey['limits']
  metadata?: Record<string, unknown>
  createdAt: string
  expiresAt?: string
  revokedAt?: string
}

export function publicKey(key: VirtualKey): PublicKey {
  const shown: PublicKey = {
    id: key.id,
    prefix: key.prefix,
    scope: key.scope,
    limits: key.limits,
    createdAt: key.createdAt.toISOString(),
  }
  if (key.name !== undefined) shown.name = key.name
  if (key.models !== undefined) shown.models = key.models
  if (key.metadata !== undefined) shown.metadata = key.metadata
  if (key.expiresAt !== undefined) shown.expiresAt = key.expiresAt.toISOString()
  if (key.revokedAt !== undefined) shown.revokedAt = key.revokedAt.toISOString()
  return shown
}
