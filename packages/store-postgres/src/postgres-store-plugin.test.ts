import { createAI, createMemoryStore, definePlugin } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { Client } from 'pg'
import { afterAll, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'
import { postgresStore } from './postgres-store-plugin.js'

const schema = freshSchemaName()
afterAll(() => dropSchemas([schema]))

it('registers the store, keeps what an instance wrote, and ends its pool with the instance', async () => {
  const mock = mockProvider({ defaultTurn: { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } } })
  const ai = await createAI({
    plugins: [mock, postgresStore({ connectionString: testDatabaseUrl, schema })],
    defaultModel: 'mock:mock-model',
    prices: [{ provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } }],
  })
  expect(ai.store.name).toBe('postgres')
  const chat = await ai.conversation({ id: 'c1', userId: 'u1', title: 'Support' })
  await chat.send('Hi')
  const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], scope: { userId: 'u1' } })
  await ai.close()
  await expect(ai.store.conversations.getConversation('c1')).rejects.toMatchObject({
    code: 'store',
    message: expect.stringMatching(/after calling end on the pool/),
  })

  const store = await createPostgresStore({ connectionString: testDatabaseUrl, schema })
  try {
    expect(await store.conversations.getConversation('c1')).toMatchObject({
      userId: 'u1',
      title: 'Support',
      messageCount: 2,
      totalCostNanoUsd: 14_000,
    })
    expect((await store.conversations.listMessages('c1')).map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ])
    expect(await store.usage.getUsage(res.requestId)).toMatchObject({ userId: 'u1', costNanoUsd: 14_000 })
    const [total] = await store.usage.queryUsage({ from: new Date(0), to: new Date(Date.now() + 60_000) })
    expect(total).toMatchObject({ requests: 2, costNanoUsd: 28_000, inputTokens: 20, outputTokens: 4 })
  } finally {
    await store.close()
  }
})

it('ends the pool it opened when another store plugin is already registered', async () => {
  const applicationName = `aimux-${freshSchemaName()}`
  const url = new URL(testDatabaseUrl)
  url.searchParams.set('application_name', applicationName)
  const other = definePlugin({
    name: 'other-store',
    setup: (host) => host.registerStore(createMemoryStore()),
  })
  await expect(
    createAI({ plugins: [other, postgresStore({ connectionString: url.href, schema })] }),
  ).rejects.toMatchObject({
    code: 'config',
    message: expect.stringMatching(/Plugin 'store-postgres' failed to set up: Two stores/),
  })
  const client = new Client({ connectionString: testDatabaseUrl })
  await client.connect()
  const { rows } = await client.query(
    'SELECT count(*)::int AS open FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  )
  await client.end()
  expect(rows).toEqual([{ open: 0 }])
})
