import { randomBytes } from 'node:crypto'
import { ConfigError } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { createCredentialCipher, versionOf } from './credential-cipher.js'
import { parseMasterKeys } from './master-keys.js'

const credentials = {
  apiKey: 'sk-test-cipher-0123456789abcdef',
  baseURL: 'https://api.example.com/v1',
  organization: 'org-1',
  headers: { 'x-extra': 'secret-header-value' },
}
const keyOf = () => randomBytes(32)
const conn1 = { id: 'conn-1', provider: 'openai' }
const c = { id: 'c', provider: 'openai' }

function failure(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    expect(ConfigError.is(error)).toBe(true)
    return error as Error
  }
  throw new Error('expected a ConfigError')
}

describe('credential cipher', () => {
  it('round-trips credentials as v<N>:<iv>:<tag>:<ciphertext>, a fresh IV each time, no plaintext', () => {
    const cipher = createCredentialCipher(new Map([['v1', keyOf()]]))
    const first = cipher.encrypt(credentials, conn1)
    const second = cipher.encrypt(credentials, conn1)

    expect(first).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/)
    expect(first).not.toBe(second)
    expect(first).not.toContain('sk-test')
    expect(Buffer.from(first.split(':')[3]!, 'base64url').toString('latin1')).not.toContain('sk-test')
    expect(cipher.decrypt(first, conn1)).toEqual(credentials)
    expect(versionOf(first)).toBe('v1')
  })

  it('refuses a wrong key, an altered ciphertext, another connection id and an unknown version, naming the connection', () => {
    const key = keyOf()
    const cipher = createCredentialCipher(new Map([['v1', key]]))
    const sealed = cipher.encrypt(credentials, conn1)
    const [version, iv, tag, body] = sealed.split(':') as [string, string, string, string]
    const flipped = (part: string) => {
      const bytes = Buffer.from(part, 'base64url')
      bytes[0]! ^= 1
      return bytes.toString('base64url')
    }
    const refused =
      "Cannot decrypt the credentials of connection 'conn-1' with master key v1: the key is wrong or the stored ciphertext was altered."

    const wrongKey = createCredentialCipher(new Map([['v1', keyOf()]]))
    expect(failure(() => wrongKey.decrypt(sealed, conn1)).message).toBe(refused)
    for (const altered of [
      [version, iv, tag, flipped(body)],
      [version, iv, flipped(tag), body],
      [version, flipped(iv), tag, body],
      [version, iv, tag.slice(0, 8), body],
    ])
      expect(failure(() => cipher.decrypt(altered.join(':'), conn1)).message).toBe(refused)
    // Bound to its connection: copied onto another one, it does not open.
    expect(failure(() => cipher.decrypt(sealed, { ...conn1, id: 'conn-2' })).message).toContain(
      "connection 'conn-2'",
    )
    // And to its provider: a row whose provider was changed does not open either.
    expect(failure(() => cipher.decrypt(sealed, { ...conn1, provider: 'anthropic' })).message).toBe(refused)
    expect(failure(() => cipher.decrypt(sealed.replace('v1:', 'v2:'), conn1)).message).toBe(
      "Cannot decrypt the credentials of connection 'conn-1': they are encrypted with master key v2, which is not configured (configured: v1).",
    )
    expect(failure(() => cipher.decrypt('garbage', conn1)).message).toContain('not in the form')
  })

  it('writes with the highest version and still reads the older ones', () => {
    const v1 = keyOf()
    const old = createCredentialCipher(new Map([['v1', v1]]))
    const both = createCredentialCipher(
      new Map([
        ['v2', keyOf()],
        ['v10', keyOf()],
        ['v1', v1],
      ]),
    )
    expect(both.version).toBe('v10')
    expect(both.versions).toEqual(['v1', 'v2', 'v10'])
    expect(both.decrypt(old.encrypt(credentials, c), c)).toEqual(credentials)
    expect(versionOf(both.encrypt(credentials, c))).toBe('v10')
  })
})

describe('master keys', () => {
  it('reads one key as v1, in hex, base64 or base64url, from the option or AIMUX_MASTER_KEY', () => {
    const key = keyOf()
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')])
      expect(parseMasterKeys(text, undefined)).toEqual(new Map([['v1', key]]))
    expect(parseMasterKeys(undefined, key.toString('base64'))).toEqual(new Map([['v1', key]]))
    expect(parseMasterKeys(undefined, undefined)).toBeUndefined()
  })

  it('reads several versions from "v2:<key>,v1:<key>" or a record', () => {
    const [k1, k2] = [keyOf(), keyOf()]
    const expected = new Map([
      ['v2', k2],
      ['v1', k1],
    ])
    expect(parseMasterKeys(undefined, `v2:${k2.toString('base64')}, v1:${k1.toString('hex')}`)).toEqual(
      expected,
    )
    expect(parseMasterKeys({ v2: k2.toString('base64'), v1: k1.toString('base64') })).toEqual(expected)
  })

  it('refuses a key of the wrong size or form, naming the version and source but not the key', () => {
    const short = randomBytes(16).toString('base64')
    const message = failure(() =>
      parseMasterKeys(undefined, `v1:${keyOf().toString('hex')},v2:${short}`),
    ).message
    expect(message).toBe(
      'AIMUX_MASTER_KEY: master key v2 must be 32 bytes written as 64 hex digits or in base64 (`openssl rand -base64 32` makes one).',
    )
    expect(message).not.toContain(short)
    expect(failure(() => parseMasterKeys('not a key at all', undefined)).message).toContain(
      'the masterKey option: master key v1 must be 32 bytes',
    )
    expect(
      failure(() => parseMasterKeys(`v1:${keyOf().toString('hex')},${keyOf().toString('hex')}`)).message,
    ).toContain('each with its version')
  })

  it('never echoes a key written where a version goes', () => {
    const [k1, k2] = [keyOf().toString('base64'), keyOf().toString('hex')]
    for (const input of [`${k1}:v1`, `v2:${k2},${k1}:v1`, { [k1]: 'v1' }]) {
      const message = failure(() => parseMasterKeys(input, undefined)).message
      expect(message).toBe('the masterKey option: a master key version must be written v1, v2, ....')
      expect(message).not.toContain(k1.slice(0, 8))
    }
    expect(failure(() => parseMasterKeys(undefined, `v1:${k2},${k2}:v2`)).message).not.toContain(k2)
  })
})
