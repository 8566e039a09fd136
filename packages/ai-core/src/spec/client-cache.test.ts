import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/errors.js'
import { createClientCache } from './client-cache.js'

describe('createClientCache', () => {
  const made: unknown[] = []
  const clientFor = createClientCache({
    provider: 'acme',
    apiKeyEnv: 'ACME_TEST_KEY_UNSET',
    defaults: { apiKey: 'own-key', baseURL: 'http://127.0.0.1:1', headers: { a: '1' } },
    create: (settings) => {
      made.push(settings)
      return { settings }
    },
  })

  it('reuses one client per set of credentials, the call’s fields over the plugin’s', () => {
    const own = clientFor({})
    expect(clientFor({}).client).toBe(own.client)
    expect(own.apiKey).toBe('own-key')
    const chosen = clientFor({ credentials: { apiKey: 'k2', headers: { b: '2' }, connectionId: 'c1' } })
    expect(chosen.client).not.toBe(own.client)
    expect(clientFor({ credentials: { apiKey: 'k2', headers: { b: '2' }, connectionId: 'c9' } }).client).toBe(
      chosen.client,
    )
    expect(made).toEqual([
      { apiKey: 'own-key', baseURL: 'http://127.0.0.1:1', headers: { a: '1' } },
      { apiKey: 'k2', baseURL: 'http://127.0.0.1:1', headers: { a: '1', b: '2' } },
    ])
  })

  it('keeps the plugin’s key when the call’s credentials name no key', () => {
    expect(clientFor({ credentials: { baseURL: 'http://127.0.0.1:2' } }).apiKey).toBe('own-key')
  })

  it('refuses a call without any key, naming the plugin option and the variable', () => {
    const bare = createClientCache({ provider: 'acme', apiKeyEnv: 'ACME_TEST_KEY_UNSET', create: () => ({}) })
    expect(() => bare({})).toThrow(ConfigError)
    expect(() => bare({})).toThrow(
      'acme: no API key. Pass apiKey to the acme plugin or set ACME_TEST_KEY_UNSET.',
    )
  })

  it('makes a new client for calls without credentials when the key in the environment changes', () => {
    const keys: unknown[] = []
    const fromEnv = createClientCache({
      provider: 'acme',
      apiKeyEnv: 'ACME_TEST_KEY_ROTATED',
      create: (settings) => keys.push(settings.apiKey),
    })
    process.env.ACME_TEST_KEY_ROTATED = 'first'
    try {
      const first = fromEnv({})
      expect(fromEnv({ credentials: { apiKey: 'chosen' } }).client).not.toBe(first.client)
      expect(fromEnv({})).toBe(first)
      process.env.ACME_TEST_KEY_ROTATED = 'second'
      expect(fromEnv({})).toMatchObject({ apiKey: 'second', client: 3 })
      expect(keys).toEqual(['first', 'chosen', 'second'])
    } finally {
      delete process.env.ACME_TEST_KEY_ROTATED
    }
  })

  it('drops the least recently used client past max', () => {
    let count = 0
    const small = createClientCache({ provider: 'acme', max: 1, requireApiKey: false, create: () => ++count })
    small({ credentials: { apiKey: 'a' } })
    small({ credentials: { apiKey: 'b' } })
    expect(small({ credentials: { apiKey: 'a' } }).client).toBe(3)
  })
})
