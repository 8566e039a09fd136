import type { ProviderResult } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { useTestStates } from '../test/open-state.js'
import { testClient } from '../test/test-redis.js'

const openState = useTestStates()

const result = (): ProviderResult => ({
  content: [
    { type: 'reasoning', text: 'thinking', providerMetadata: { gemini: { thoughtSignature: 'c2ln' } } },
    { type: 'text', text: 'Paris' },
    { type: 'tool-call', id: 'call_1', name: 'lookup', args: { city: 'Paris', days: [1, 2], exact: null } },
  ],
  finishReason: 'tool-calls',
  usage: {
    inputTokens: 12,
    cachedInputTokens: 4,
    cacheWriteTokens: 0,
    outputTokens: 7,
    reasoningTokens: 2,
    totalTokens: 19,
  },
  costNanoUsd: 1_234_567,
  model: 'gpt-4o-mini-2024-07-18',
  raw: { id: 'chatcmpl-1', choices: [{ index: 0 }] },
})

describe('the response cache', () => {
  it('gives back what was set, as a copy of its own, to any state on the same prefix', async () => {
    const one = await openState()
    const other = await openState({ prefix: one.prefix })
    await one.responseCache!.set('a1b2', result(), 60_000)
    const hit = await other.responseCache!.get('a1b2')
    expect(hit).toStrictEqual(result())
    hit!.content.push({ type: 'text', text: 'changed' })
    expect(await one.responseCache!.get('a1b2')).toStrictEqual(result())
    expect(await one.responseCache!.get('c3d4')).toBeUndefined()
  })

  it('keeps an answer for its ttlMs, in milliseconds', async () => {
    const { responseCache, prefix } = await openState()
    // An hour, so that a loaded machine cannot let it pass before it is read; in seconds it
    // would be 3,600,000 s.
    await responseCache!.set('k', result(), 3_600_000)
    const client = await testClient()
    try {
      const ttl = await client.pTTL(`${prefix}cache:k`)
      expect(ttl).toBeGreaterThan(3_000_000)
      expect(ttl).toBeLessThanOrEqual(3_600_000)
    } finally {
      client.destroy()
    }
  })

  it('drops an answer once its ttl has passed', async () => {
    const { responseCache } = await openState()
    await responseCache!.set('short', result(), 1)
    // Redis drops a key whose PX has passed on its next read; 1 ms passes while polling.
    let hit: ProviderResult | undefined = result()
    for (let attempt = 0; attempt < 1_000 && hit; attempt++) hit = await responseCache!.get('short')
    expect(hit).toBeUndefined()
  })

  it('keeps raw as its JSON form, and leaves out a raw that has none', async () => {
    const { responseCache } = await openState()
    const at = new Date('2026-11-03T10:00:00.000Z')
    await responseCache!.set('dated', { ...result(), raw: { created: at, skipped: undefined } }, 60_000)
    expect((await responseCache!.get('dated'))?.raw).toStrictEqual({ created: '2026-11-03T10:00:00.000Z' })
    await responseCache!.set('big', { ...result(), raw: { id: 10n } }, 60_000)
    const { raw: _raw, ...withoutRaw } = result()
    expect(await responseCache!.get('big')).toStrictEqual(withoutRaw)
  })

  it('reads an entry it cannot understand as a miss', async () => {
    const { responseCache, prefix } = await openState()
    const client = await testClient()
    try {
      await client.set(`${prefix}cache:garbled`, '{"format":1,"result":')
      await client.set(`${prefix}cache:other-format`, JSON.stringify({ format: 2, result: result() }))
      await client.set(`${prefix}cache:wrong-shape`, JSON.stringify({ format: 1, result: { content: 'x' } }))
    } finally {
      client.destroy()
    }
    for (const key of ['garbled', 'other-format', 'wrong-shape'])
      expect(await responseCache!.get(key)).toBeUndefined()
  })
})
