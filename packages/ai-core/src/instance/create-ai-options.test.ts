import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ConfigError, ValidationError } from '../errors/errors.js'
import { createAI } from './create-ai.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]

describe('createAI aliases', () => {
  it('refuse a name with ":" or a leading "@", and a target that is no model or group, naming each', async () => {
    const error = await createAI({
      aliases: { 'a:b': 'mock:m', '@g': 'mock:m', fine: 'nocolon' },
    }).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'aliases.@g',
      'aliases.a:b',
      'aliases.fine',
    ])
    expect(error.message).toContain(`aliases.a:b: 'a:b' cannot be an alias`)
    expect(error.message).toContain('aliases.fine: must name "provider:model" or "@group"')
  })

  it('fail createAI with a ConfigError naming an alias of an unknown provider', async () => {
    const error = await createAI({ plugins: [mockProvider()], aliases: { fast: 'nope:m' } }).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toBe(
      "The alias 'fast' names 'nope:m': Unknown provider 'nope' in model 'nope:m'. Registered providers: mock.",
    )
  })

  it('fail createAI with a ConfigError naming an alias of an unknown group', async () => {
    const error = await createAI({
      plugins: [mockProvider()],
      groups: { main: { models: ['mock:m'] } },
      aliases: { best: '@bset' },
    }).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toBe("The alias 'best' names an unknown model group '@bset'. Groups: @main.")
  })

  it('let defaultModel name an alias or a group, and refuse any other name', async () => {
    const ai = await createAI({
      plugins: [mockProvider({ defaultTurn: { text: 'ok' } })],
      groups: { main: { models: ['mock:m'] } },
      defaultModel: '@main',
    })
    expect((await ai.chat({ messages })).model).toBe('m')
    await ai.close()
    const wrong = await createAI({ aliases: { fast: 'mock:m' }, defaultModel: 'fsat' }).catch((e) => e)
    expect(ValidationError.is(wrong)).toBe(true)
    expect(wrong.message).toBe(
      'Invalid createAI options: defaultModel: must be written "provider:model", e.g. "openai:gpt-4o-mini", or name a "@group" or an alias',
    )
    const noGroup = await createAI({ plugins: [mockProvider()], defaultModel: '@none' }).catch((e) => e)
    expect(ConfigError.is(noGroup)).toBe(true)
    expect(noGroup.message).toBe("defaultModel names an unknown model group '@none'. Groups: none.")
  })

  it('work in configured fallback chains, as the model and as its fallbacks', async () => {
    const primary = mockProvider({ id: 'primary' })
    const backup = mockProvider({ id: 'backup', defaultTurn: { text: 'from backup' } })
    const ai = await createAI({
      plugins: [primary, backup],
      retry: false,
      aliases: { fast: 'primary:m', safe: 'backup:m' },
      fallbacks: { fast: ['safe'] },
      defaultModel: 'fast',
    })
    primary.enqueue({ error: { status: 503 } })
    const res = await ai.chat({ messages })
    expect([res.provider, res.text]).toEqual(['backup', 'from backup'])
    await ai.close()
  })

  it('refuse an alias of a group as a configured fallback, naming where', async () => {
    const error = await createAI({
      plugins: [mockProvider()],
      groups: { main: { models: ['mock:m'] } },
      aliases: { main: '@main' },
      fallbacks: { 'mock:m': ['main'] },
    }).catch((e) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toBe(
      `fallbacks['mock:m'][0]: the alias 'main' names the group '@main', but a fallback is one "provider:model".`,
    )
  })
})
