import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'

let fx: GatewayFixture

beforeAll(async () => {
  fx = await startGatewayFixture({
    ai: {
      aliases: { fast: 'openai:gpt-4o-mini', smart: '@best' },
      groups: { best: { models: ['openai:gpt-4o', 'openai:gpt-4o-mini'] } },
    },
  })
  // The fake server lists gpt-4o-mini and gpt-4o.
  await fx.ai.models.sync()
})
afterAll(() => fx.close())

describe('GET /v1/models', () => {
  it('lists the catalog, the aliases and the groups in OpenAI list shape', async () => {
    const models = await fx.client(ADMIN_TOKEN).models.list()
    expect(models.data.map((m) => m.id)).toEqual([
      '@best',
      'fast',
      'openai:gpt-4o',
      'openai:gpt-4o-mini',
      'smart',
    ])
    expect(models.data.find((m) => m.id === 'openai:gpt-4o')).toEqual({
      id: 'openai:gpt-4o',
      object: 'model',
      created: 0,
      owned_by: 'openai',
    })
    expect(models.data.find((m) => m.id === '@best')?.owned_by).toBe('aimux')
  })

  it('shows a key only the models it may use, its own listed ones included', async () => {
    const { secret } = await fx.issueKey({ models: ['fast', 'openai:gpt-4.1'] })
    const models = await fx.client(secret).models.list()
    expect(models.data.map((m) => m.id)).toEqual(['fast', 'openai:gpt-4.1'])

    const { secret: wildcard } = await fx.issueKey({ models: ['openai:*'] })
    const all = await fx.client(wildcard).models.list()
    // An alias of a model the wildcard covers is usable too.
    expect(all.data.map((m) => m.id)).toEqual(['fast', 'openai:gpt-4o', 'openai:gpt-4o-mini'])
  })

  it('retrieves one model, and 404 for one the key may not see', async () => {
    const { secret } = await fx.issueKey({ models: ['openai:gpt-4o'] })
    const client = fx.client(secret)
    expect(await client.models.retrieve('openai:gpt-4o')).toMatchObject({
      id: 'openai:gpt-4o',
      object: 'model',
    })
    const hidden = await client.models.retrieve('openai:gpt-4o-mini').catch((error: unknown) => error)
    expect(hidden).toMatchObject({ status: 404, code: 'model_not_found' })
  })

  it('lets a key use an alias of a model it may use, and routes aliases and groups', async () => {
    const { secret } = await fx.issueKey({ models: ['openai:gpt-4o-mini', '@best'] })
    const client = fx.client(secret)
    fx.upstream.enqueue({ text: 'via alias' }, { text: 'via group' })
    const viaAlias = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(viaAlias).toMatchObject({ model: 'fast', choices: [{ message: { content: 'via alias' } }] })
    expect((fx.upstream.requests.at(-1)!.body as { model: string }).model).toBe('gpt-4o-mini')
    const viaGroup = await client.chat.completions.create({
      model: '@best',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(viaGroup.choices[0]?.message.content).toBe('via group')
    expect((fx.upstream.requests.at(-1)!.body as { model: string }).model).toBe('gpt-4o')

    const unknownGroup = await client.chat.completions
      .create({ model: '@nope', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error)
    expect(unknownGroup).toMatchObject({ status: 404, code: 'model_not_found' })
  })
})
