import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { AimuxEvents } from '../events/events.js'
import { type AI, type CreateAIOptions, createAI } from '../instance/create-ai.js'
import type { Plugin } from '../instance/plugin.js'
import { defineProvider } from '../spec/provider.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
const outage = { error: { status: 503, message: 'overloaded' } }
const open: AI[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((ai) => ai.close()))
})

async function setup(options: CreateAIOptions = {}) {
  const primary = mockProvider({ id: 'primary' })
  const backup = mockProvider({ id: 'backup' })
  const ai = await createAI({
    plugins: [primary, backup],
    defaultModel: 'primary:m',
    retry: false,
    ...options,
  })
  open.push(ai)
  const switched: AimuxEvents['provider:switched'][] = []
  ai.on('provider:switched', (e) => void switched.push(e))
  return { primary, backup, ai, switched }
}

describe('which failures the fallback hands over', () => {
  it('hands a model the provider does not know over to the next model', async () => {
    const { primary, backup, ai, switched } = await setup({ fallbacks: { 'primary:m': ['backup:b'] } })
    primary.enqueue({ error: { status: 404, code: 'model_not_found', message: 'no such model' } })
    backup.enqueue({ text: 'from the backup' })
    const res = await ai.chat({ messages, requestId: 'gone' })
    expect([res.provider, res.model, res.text]).toEqual(['backup', 'b', 'from the backup'])
    await ai.flush()
    expect(switched.map((s) => [s.from, s.to, s.reason])).toEqual([
      ['primary:m', 'backup:b', 'unknown-model'],
    ])
  })

  it('never tries a model of the chain twice, even when the chain names it twice', async () => {
    const { primary, backup, ai, switched } = await setup({
      fallbacks: { 'primary:m': ['backup:b', 'backup:b', 'primary:m'] },
    })
    primary.enqueue(outage, { text: 'asked again' })
    backup.enqueue(outage, { text: 'asked again' })
    const error = await ai.chat({ messages }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'provider', status: 503, provider: 'backup', model: 'b' })
    expect(primary.calls).toHaveLength(1)
    expect(backup.calls).toHaveLength(1)
    await ai.flush()
    expect(switched.map((s) => s.to)).toEqual(['backup:b'])
  })

  it('names the provider, model and request on an error the adapter threw untyped', async () => {
    const adapter = defineProvider({
      id: 'raw',
      async generate() {
        throw new Error('socket hang up')
      },
    })
    const plugin: Plugin = { name: 'raw', setup: (host) => host.registerProvider(adapter) }
    const ai = await createAI({ plugins: [plugin], defaultModel: 'raw:m', retry: false })
    open.push(ai)
    const error = await ai.chat({ messages, requestId: 'untyped' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'provider', provider: 'raw', model: 'm', requestId: 'untyped' })
  })
})

describe('a reply stopped by a content filter', () => {
  it('is asked again of the configured model, and the move says why', async () => {
    const { primary, backup, ai, switched } = await setup({
      contentFilterFallbacks: { 'primary:m': 'backup:lenient' },
    })
    primary.enqueue({ text: '', finishReason: 'content-filter' })
    backup.enqueue({ text: 'answered' })
    expect((await ai.chat({ messages, requestId: 'filtered' })).text).toBe('answered')
    await ai.flush()
    expect(switched).toEqual([
      { requestId: 'filtered', from: 'primary:m', to: 'backup:lenient', reason: 'content-filter', step: 1 },
    ])
  })

  it('is not asked again of a model that already answered it', async () => {
    const { primary, backup, ai, switched } = await setup({
      contentFilterFallbacks: { 'primary:m': 'backup:b', 'backup:b': 'backup:b' },
    })
    primary.enqueue({ text: '', finishReason: 'content-filter' })
    backup.enqueue({ text: '', finishReason: 'content-filter' }, { text: 'asked twice' })
    const res = await ai.chat({ messages })
    expect([res.model, res.finishReason]).toEqual(['b', 'content-filter'])
    expect(backup.calls).toHaveLength(1)
    await ai.flush()
    expect(switched.map((s) => s.to)).toEqual(['backup:b'])
  })

  it('leaves a stream alone: it passes through as it came', async () => {
    const { primary, ai, switched } = await setup({ contentFilterFallbacks: { 'primary:m': 'backup:b' } })
    primary.enqueue({ chunks: ['hel', 'lo'] })
    const stream = ai.stream({ messages })
    let text = ''
    for await (const part of stream) if (part.type === 'text-delta') text += part.text
    expect(text).toBe('hello')
    await ai.flush()
    expect(switched).toEqual([])
  })
})
