import { ValidationError, type VirtualKey, type VirtualKeyStore } from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import { type IssueKeyInput, issueKeyInputSchema } from './issue-key-input.js'
import { hashSecret, newKeyId, newSecret, secretPrefix } from './key-secret.js'

const DAY_MS = 86_400_000

/** A key just issued: its record as stored, and its secret, which is shown this once. */
export interface IssuedKey {
  key: VirtualKey
  secret: string
}

/**
 * Issues a virtual key: a new secret, stored only as its SHA-256. A wrong field is a
 * ValidationError naming it; an expiry that is not in the future too.
 */
export async function issueVirtualKey(
  store: VirtualKeyStore,
  input: IssueKeyInput,
  now: Date = new Date(),
): Promise<IssuedKey> {
  const parsed = validate(issueKeyInputSchema, input, 'key')
  const expiresAt =
    parsed.expiresAt !== undefined
      ? new Date(parsed.expiresAt)
      : parsed.expiresInDays !== undefined
        ? new Date(now.getTime() + Math.round(parsed.expiresInDays * DAY_MS))
        : undefined
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    const error = new ValidationError('Invalid key: expiresAt: must be in the future')
    error.issues = [{ path: 'expiresAt', message: 'must be in the future' }]
    throw error
  }
  const secret = newSecret()
  const key: VirtualKey = {
    id: newKeyId(),
    hash: hashSecret(secret),
    prefix: secretPrefix(secret),
    scope: parsed.scope ?? {},
    limits: parsed.limits ?? {},
    createdAt: now,
  }
  if (parsed.name !== undefined) key.name = parsed.name
  if (parsed.models !== undefined) key.models = parsed.models
  if (parsed.metadata !== undefined) key.metadata = parsed.metadata
  if (expiresAt) key.expiresAt = expiresAt
  await store.create(key)
  return { key, secret }
}
