import type { VirtualKey } from '@aimux/ai-core'

/** Whether a key found by its hash may be used at `now`, and if not, why. */
export type KeyStatus = 'valid' | 'unknown' | 'revoked' | 'expired'

export function keyStatus(key: VirtualKey | undefined, now: Date): KeyStatus {
  if (!key) return 'unknown'
  if (key.revokedAt && key.revokedAt.getTime() <= now.getTime()) return 'revoked'
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired'
  return 'valid'
}
