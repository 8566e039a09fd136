import { ConfigError } from '@aimux/ai-core'

/** The environment variable read for the master keys when the `masterKey` option is not given. */
export const MASTER_KEY_ENV = 'AIMUX_MASTER_KEY'

/**
 * One 32-byte key (version v1), or several by version: `{ v1: '...', v2: '...' }` as an option,
 * `"v2:<key>,v1:<key>"` as a string. Each key is 64 hex digits or base64 (standard or url-safe).
 */
export type MasterKeyInput = string | Record<string, string>

const versionPattern = /^v[1-9][0-9]*$/
const hexKey = /^[0-9a-fA-F]{64}$/
const base64Key = /^[A-Za-z0-9+/_-]{42,43}={0,2}$/

/**
 * Reads the master keys from the option, else from AIMUX_MASTER_KEY; undefined when neither is
 * set. A malformed key is a ConfigError that names its version and source, never the key.
 */
export function parseMasterKeys(
  input: MasterKeyInput | undefined,
  env: string | undefined = process.env[MASTER_KEY_ENV],
): Map<string, Buffer> | undefined {
  const source = input === undefined ? MASTER_KEY_ENV : 'the masterKey option'
  const given = input ?? env
  if (given === undefined || given === '') return undefined
  const entries = typeof given === 'string' ? splitKeyList(given, source) : Object.entries(given)
  if (entries.length === 0) throw new ConfigError(`${source} holds no master key.`)
  const keys = new Map<string, Buffer>()
  for (const [version, text] of entries) {
    if (!versionPattern.test(version)) {
      // Echoed only when it cannot be key material: a key written in the version's place is not.
      const got = /^[\w-]{1,10}$/.test(version) ? `; got '${version}'` : ''
      throw new ConfigError(`${source}: a master key version must be written v1, v2, ...${got}.`)
    }
    if (keys.has(version)) throw new ConfigError(`${source}: master key ${version} is given twice.`)
    keys.set(version, decodeKey(text.trim(), version, source))
  }
  return keys
}

/** "key" is v1; "v2:key2,v1:key1" lists versions. */
function splitKeyList(text: string, source: string): [string, string][] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (items.length === 1 && !items[0]!.includes(':')) return [['v1', items[0]!]]
  return items.map((item) => {
    const colon = item.indexOf(':')
    if (colon < 0)
      throw new ConfigError(
        `${source}: write several master keys as "v2:<key>,v1:<key>", each with its version.`,
      )
    return [item.slice(0, colon).trim(), item.slice(colon + 1)]
  })
}

function decodeKey(text: string, version: string, source: string): Buffer {
  const key = hexKey.test(text)
    ? Buffer.from(text, 'hex')
    : base64Key.test(text)
      ? Buffer.from(text, 'base64')
      : undefined
  if (key?.length !== 32) {
    throw new ConfigError(
      `${source}: master key ${version} must be 32 bytes written as 64 hex digits or in base64 ` +
        '(`openssl rand -base64 32` makes one).',
    )
  }
  return key
}
