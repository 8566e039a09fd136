import { createHash, randomBytes } from 'node:crypto'

/** What every virtual key's secret starts with, so that it is recognisable (and maskable) anywhere. */
export const SECRET_PREFIX = 'sk-aimux-'

/** A new secret: the prefix and 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`
}

/** A new public key id, safe to log and show. */
export function newKeyId(): string {
  return `vk_${randomBytes(12).toString('hex')}`
}

/** Hex SHA-256 of a secret: all the store keeps of it. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** The secret's first characters ('sk-aimux-3f9a'), to tell keys apart in a list. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, SECRET_PREFIX.length + 4)
}
