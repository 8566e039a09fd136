import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { ConfigError } from '@aimux/ai-core'
import { type ConnectionCredentials, credentialsSchema } from './connection-config.js'

/**
 * Encrypts connection credentials with AES-256-GCM under a versioned master key. A ciphertext is
 * `<version>:<iv>:<tag>:<ciphertext>`, each part base64url (a 12-byte IV, a 16-byte tag), and is
 * bound to its connection's provider and id (authenticated data `aimux-connection:<provider>:<id>`),
 * so it cannot be moved to another connection or provider.
 */
export interface CredentialCipher {
  /** The version new ciphertexts are written with: the highest configured. */
  readonly version: string
  readonly versions: readonly string[]
  encrypt(credentials: ConnectionCredentials, connection: SealedFor): string
  /**
   * The credentials, or a ConfigError naming the connection: an unknown key version, a malformed
   * ciphertext, or one that does not authenticate (a wrong master key or altered data).
   */
  decrypt(ciphertext: string, connection: SealedFor): ConnectionCredentials
}

/** The connection a ciphertext belongs to; provider ids hold no colon, so the two never blur. */
export interface SealedFor {
  id: string
  provider: string
}

const algorithm = 'aes-256-gcm'

/** The master key version a ciphertext was written with, or undefined when it is not one. */
export function versionOf(ciphertext: string): string | undefined {
  return /^(v[1-9][0-9]*):/.exec(ciphertext)?.[1]
}

export function createCredentialCipher(masterKeys: ReadonlyMap<string, Buffer>): CredentialCipher {
  const keys = new Map([...masterKeys].map(([version, key]) => [version, Buffer.from(key)]))
  const versions = [...keys.keys()].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
  const version = versions[versions.length - 1]
  if (!version) throw new ConfigError('No master key: a credential cipher needs at least one.')
  const aad = ({ id, provider }: SealedFor) => Buffer.from(`aimux-connection:${provider}:${id}`, 'utf8')

  return {
    version,
    versions,
    encrypt(credentials, connection) {
      const iv = randomBytes(12)
      const cipher = createCipheriv(algorithm, keys.get(version)!, iv)
      cipher.setAAD(aad(connection))
      const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()])
      return [version, iv, cipher.getAuthTag(), body]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join(':')
    },
    decrypt(ciphertext, connection) {
      const parts = ciphertext.split(':')
      const [used, iv, tag, body] = parts
      const what = `connection '${connection.id}'`
      if (
        parts.length !== 4 ||
        !used ||
        versionOf(ciphertext) !== used ||
        !iv ||
        !tag ||
        body === undefined
      ) {
        throw new ConfigError(
          `Cannot decrypt the credentials of ${what}: they are not in the form <version>:<iv>:<tag>:<ciphertext>.`,
        )
      }
      const key = keys.get(used)
      if (!key) {
        throw new ConfigError(
          `Cannot decrypt the credentials of ${what}: they are encrypted with master key ${used}, ` +
            `which is not configured (configured: ${versions.join(', ')}).`,
        )
      }
      let plaintext: string
      try {
        const decipher = createDecipheriv(algorithm, key, Buffer.from(iv, 'base64url'), {
          authTagLength: 16,
        })
        decipher.setAAD(aad(connection))
        decipher.setAuthTag(Buffer.from(tag, 'base64url'))
        plaintext = Buffer.concat([
          decipher.update(Buffer.from(body, 'base64url')),
          decipher.final(),
        ]).toString('utf8')
      } catch {
        throw new ConfigError(
          `Cannot decrypt the credentials of ${what} with master key ${used}: ` +
            'the key is wrong or the stored ciphertext was altered.',
        )
      }
      const parsed = credentialsSchema.safeParse(safeJson(plaintext))
      if (!parsed.success)
        throw new ConfigError(`The decrypted credentials of ${what} are not valid credentials.`)
      return parsed.data
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
