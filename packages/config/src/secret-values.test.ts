import { ConfigError } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { isSecretName, literalSecrets, resolveSecretEnv } from './secret-values.js'

describe('resolveSecretEnv', () => {
  it('replaces every { "$env": "NAME" } with the variable, at any depth, leaving the rest', () => {
    const options = {
      masterKey: { $env: 'MASTER' },
      connections: [{ provider: 'openai', credentials: { apiKey: { $env: 'KEY_1' } }, priority: 1 }],
      refreshMs: 500,
    }
    const env = { MASTER: 'm-value', KEY_1: 'k-value' }
    expect(resolveSecretEnv(options, { env })).toEqual({
      masterKey: 'm-value',
      connections: [{ provider: 'openai', credentials: { apiKey: 'k-value' }, priority: 1 }],
      refreshMs: 500,
    })
    // The options themselves are left as they were.
    expect(options.masterKey).toEqual({ $env: 'MASTER' })
  })

  it('names the variable and where it was asked for when it is unset or empty', () => {
    const error = (() => {
      try {
        resolveSecretEnv(
          { a: [{ token: { $env: 'EMPTY' } }] },
          { env: { EMPTY: '' }, at: 'plugins[2].options' },
        )
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(ConfigError.is(error)).toBe(true)
    expect(error?.message).toBe('plugins[2].options.a[0].token: the environment variable EMPTY is not set.')
  })
})

describe('isSecretName', () => {
  it('reads the words of a name however it is written', () => {
    const secret = ['apiKey', 'api_key', 'API-KEY', 'apikey', 'GITHUB_TOKEN', 'accessToken', 'clientSecret']
    const more = ['password', 'AWS_SECRET_ACCESS_KEY', 'privateKey', 'masterKeys', 'passphrase']
    for (const name of [...secret, ...more]) expect([name, isSecretName(name)]).toEqual([name, true])
    const plain = ['maxTokens', 'tokenizer', 'cacheKey', 'keepAlive', 'secretName', 'apiVersion', 'key']
    for (const name of plain) expect([name, isSecretName(name)]).toEqual([name, false])
  })
})

describe('literalSecrets', () => {
  it('finds secret-named fields written out, and lets { "$env" } and other names through', () => {
    const found = literalSecrets({
      apiKey: 'sk-1',
      nested: { client_secret: 's', password: { $env: 'PW' }, maxTokens: 5, tokenizer: 'x' },
      list: [{ accessToken: 't' }, { masterKeys: { v1: 'k' } }],
      missing: { apiKey: undefined },
    })
    expect(found).toEqual([
      ['apiKey'],
      ['nested', 'client_secret'],
      ['list', 0, 'accessToken'],
      ['list', 1, 'masterKeys'],
    ])
  })
})
