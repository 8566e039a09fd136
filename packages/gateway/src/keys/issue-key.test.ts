import { createMemoryStore, ValidationError } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { issueVirtualKey } from './issue-key.js'
import { hashSecret } from './key-secret.js'

describe('issueVirtualKey', () => {
  it('stores the key with the hash and prefix of a fresh secret, never the secret', async () => {
    const store = createMemoryStore().virtualKeys
    const now = new Date('2030-05-01T12:00:00Z')
    const a = await issueVirtualKey(store, { name: 'a', expiresInDays: 1.5 }, now)
    const b = await issueVirtualKey(store, {}, now)
    expect(a.secret).not.toBe(b.secret)
    expect(a.key).toMatchObject({
      hash: hashSecret(a.secret),
      prefix: a.secret.slice(0, 13),
      name: 'a',
      scope: {},
      limits: {},
      createdAt: now,
      expiresAt: new Date('2030-05-03T00:00:00Z'),
    })
    const stored = await store.findByHash(hashSecret(a.secret))
    expect(stored?.id).toBe(a.key.id)
    expect(JSON.stringify(await store.list())).not.toContain(a.secret)
  })

  it('refuses a wrong field with a ValidationError naming it', async () => {
    const store = createMemoryStore().virtualKeys
    const error = await issueVirtualKey(store, { models: [] }).catch((e: unknown) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect((error as ValidationError).issues[0]?.path).toBe('models')
    const past = await issueVirtualKey(store, { expiresAt: '2001-01-01T00:00:00Z' }).catch((e: unknown) => e)
    expect((past as ValidationError).issues).toEqual([
      { path: 'expiresAt', message: 'must be in the future' },
    ])
    expect(await store.list()).toEqual([])
  })
})
