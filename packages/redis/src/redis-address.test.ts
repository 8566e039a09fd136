import { createClient } from '@redis/client'
import { describe, expect, it } from 'vitest'
import { addressOfClient, addressOfUrl } from './redis-address.js'

describe('addressOfUrl', () => {
  it('shows the URL without its password, and lists the password in every form it may show in', () => {
    expect(addressOfUrl('redis://app:s3cret-pass@cache.internal:6380/2')).toEqual({
      shown: 'redis://app@cache.internal:6380/2',
      secrets: ['s3cret-pass'],
    })
    expect(addressOfUrl(`rediss://:${encodeURIComponent('p@ss/word')}@cache.internal`)).toEqual({
      shown: 'rediss://cache.internal',
      secrets: ['p%40ss%2Fword', 'p@ss/word'],
    })
    // Written without encoding: URL takes the last '@' as the end of the password.
    const unencoded = addressOfUrl('redis://:p@ss@127.0.0.1:6379')
    expect(unencoded.shown).toBe('redis://127.0.0.1:6379')
    expect(unencoded.secrets).toEqual(expect.arrayContaining(['p@ss']))
    expect(addressOfUrl('redis://127.0.0.1:6379')).toEqual({ shown: 'redis://127.0.0.1:6379', secrets: [] })
  })

  it('names no part of a URL it cannot read, yet still knows its password', () => {
    const address = addressOfUrl('redis://:hunter2-pw@exa mple:port')
    expect(address.shown).toBe('the Redis server of an unreadable URL')
    expect(address.secrets).toEqual(['hunter2-pw'])
  })
})

describe('addressOfClient', () => {
  it('reads where a node-redis client connects from its options, never its password', () => {
    expect(addressOfClient(createClient({ url: 'redis://:pw-1234@10.0.0.5:6390' }))).toEqual({
      shown: 'redis://10.0.0.5:6390',
      secrets: ['pw-1234'],
    })
    expect(
      addressOfClient(createClient({ socket: { host: 'cache.internal', port: 6391 }, password: 'pw-5678' })),
    ).toEqual({ shown: 'redis://cache.internal:6391', secrets: ['pw-5678'] })
    expect(addressOfClient({})).toEqual({ shown: 'redis://localhost:6379', secrets: [] })
  })
})
