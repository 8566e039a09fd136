import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAI, createMemoryStore, definePlugin } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { afterAll, expect, it } from 'vitest'
import { createSqliteStore } from './sqlite-store.js'
import { sqliteStore } from './sqlite-store-plugin.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-plugin-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('registers the store, keeps what an instance wrote, and closes the database with the instance', async () => {
  const path = join(dir, 'app.db')
  const mock = mockProvider({ defaultTurn: { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } } })
  const ai = await createAI({
    plugins: [mock, sqliteStore({ path })],
    defaultModel: 'mock:mock-model',
    prices: [{ provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } }],
  })
  expect(ai.store.name).toBe('sqlite')
  const chat = await ai.conversation({ id: 'c1', userId: 'u1', title: 'Support' })
  await chat.send('Hi')
  const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], scope: { userId: 'u1' } })
  await ai.close()
  await expect(ai.store.conversations.getConversation('c1')).rejects.toMatchObject({ code: 'store' })
  // SQLite removes the write-ahead log when the last connection to the file closes.
  expect(existsSync(`${path}-wal`)).toBe(false)

  const store = await createSqliteStore({ path })
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
  await store.close()
})

it('closes the database it opened when another store plugin is already registered', async () => {
  const path = join(dir, 'second.db')
  const other = definePlugin({
    name: 'other-store',
    setup: (host) => host.registerStore(createMemoryStore()),
  })
  await expect(createAI({ plugins: [other, sqliteStore({ path })] })).rejects.toMatchObject({
    code: 'config',
    message: expect.stringMatching(/Two stores/),
  })
  expect(existsSync(path)).toBe(true)
  expect(existsSync(`${path}-wal`)).toBe(false)
})
