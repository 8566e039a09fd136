import { createHash } from 'node:crypto'
import { type ConnectionConfig, secretsOf } from './connection-config.js'

const prefix = 'config:'

/**
 * What a connection given in code is stored with in place of a ciphertext: `config:` and a
 * SHA-256 of its provider, id and secrets (never the secrets themselves). It tells which key the
 * last instance started with holds, so that a 401 from an instance still holding an older key
 * does not disable the connection under the new one.
 */
export function configFingerprint(
  connection: Pick<ConnectionConfig, 'id' | 'provider' | 'credentials'>,
): string {
  const hash = createHash('sha256')
  for (const part of [connection.provider, connection.id, ...secretsOf(connection.credentials)])
    hash.update(`${part.length}:${part}`)
  return `${prefix}${hash.digest('base64url')}`
}

/** True for the stored form of a connection given in code. */
export function isConfigured(ciphertext: string): boolean {
  return ciphertext.startsWith(prefix)
}
