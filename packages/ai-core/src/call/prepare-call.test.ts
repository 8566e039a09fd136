import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors/errors.js'
import type { AimuxEvents } from '../events/events.js'
import { createAI } from '../instance/create-ai.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]

async function setup(options: Omit<NonNullable<Parameters<typeof createAI>[0]>, 'plugins'> = {}) {
  const mock = mockProvider({ defaultTurn: { text: 'ok' } })
  const other = mockProvider({ id: 'other', defaultTurn: { text: 'from other' } })
  const ai = await createAI({
    plugins: [mock, other],
    retry: false,
    aliases: { fast: 'mock:small', smart: 'other:large', main: '@main' },
    groups: { main: { models: ['other:large', 'mock:small'] } },
    ...options,
  })
  return { mock, other, ai }
}

describe('model aliases in a request', () => {
  it('call the model an alias names', async () => {
    const { mock, ai } = await setup()
    const res = await ai.chat({ model: 'fast', messages })
    expect([res.provider, res.model]).toEqual(['mock', 'small'])
    expect(mock.calls[0]?.request.model).toBe('small')
    await ai.close()
  })

  it('route through the group an alias names', async () => {
    const { ai } = await setup()
    const routes: AimuxEvents['route'][] = []
    ai.on('route', (e) => void routes.push(e))
    const res = await ai.chat({ model: 'main', messages })
    expect([res.provider, res.model]).toEqual(['other', 'large'])
    await ai.flush()
    expect(routes[0]).toMatchObject({ group: 'main', order: ['other:large', 'mock:small'] })
    await ai.close()
  })

  it('serve as the default model', async () => {
    const { ai } = await setup({ defaultModel: 'smart' })
    const res = await ai.chat({ messages })
    expect([res.provider, res.model, res.text]).toEqual(['other', 'large', 'from other'])
    await ai.close()
  })

  it('serve as a request fallback, and an alias of a group cannot', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ error: { status: 503 } })
    const res = await ai.chat({ model: 'fast', fallbacks: ['smart'], messages })
    expect([res.provider, res.model]).toEqual(['other', 'large'])
    const error = await ai.chat({ model: 'fast', fallbacks: ['smart', 'main'], messages }).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toBe(
      `Invalid chat request: fallbacks[1]: 'main' names the group '@main', but a fallback is one "provider:model"`,
    )
    await ai.close()
  })

  it('are listed when a request names neither an alias nor "provider:model"', async () => {
    const { ai } = await setup()
    const error = await ai.chat({ model: 'fats', messages }).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toBe(
      `Invalid model 'fats': it is no alias (fast, smart, main); write a model as "provider:model", e.g. "openai:gpt-4o-mini".`,
    )
    await ai.close()
  })

  it("serve as a user's preferred model, checked when it is set", async () => {
    const { other, ai } = await setup()
    await ai.setUserModel({ userId: 'u1' }, 'smart')
    await (await ai.conversation({ userId: 'u1' })).send('Hi')
    expect(other.calls[0]?.request.model).toBe('large')
    await expect(ai.setUserModel({ userId: 'u1' }, 'smrat')).rejects.toThrow(
      "Invalid model 'smrat': it is no alias (fast, smart, main)",
    )
    await expect(ai.setUserModel({ userId: 'u1' }, '@nope')).rejects.toThrow("Unknown model group '@nope'")
    await ai.close()
  })

  it('leave "provider:model" and "@group" as they are', async () => {
    const { ai } = await setup()
    expect((await ai.chat({ model: 'mock:other-model', messages })).model).toBe('other-model')
    expect((await ai.chat({ model: '@main', messages })).provider).toBe('other')
    await ai.close()
  })
})
