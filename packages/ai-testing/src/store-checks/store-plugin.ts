import { createAI, createMemoryStore, definePlugin, type Plugin, type Store } from '@aimux/ai-core'
import { expect } from 'vitest'
import { mockProvider } from '../mock-provider.js'

export interface StorePluginOptions {
  /** The store's plugin, over a database that starts empty. */
  plugin: Plugin
  /** The name its store reports, `store.name`. */
  storeName: string
  /** Opens the same database again once the instance is closed, to read what it wrote; closed after. */
  open: () => Promise<Store>
  /**
   * Runs once the instance is closed, given its store, for checks of how the store let go of its
   * database (a file's write-ahead log removed, a pool ended).
   */
  afterClose?: (closed: Store) => void | Promise<void>
}

/**
 * A store plugin registers its store, keeps what an instance wrote, and closes the store with
 * the instance. Runs a conversation turn and a chat call through `createAI()` with the plugin and
 * a mock provider, closes the instance, checks that the store refuses further calls with a
 * StoreError, then reads the conversation, its messages, the usage records and their totals back
 * from the database. Call it inside a vitest test.
 */
export async function checkStorePlugin(options: StorePluginOptions): Promise<void> {
  const mock = mockProvider({ defaultTurn: { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } } })
  const ai = await createAI({
    plugins: [mock, options.plugin],
    defaultModel: 'mock:mock-model',
    prices: [{ provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } }],
  })
  expect(ai.store.name).toBe(options.storeName)
  const chat = await ai.conversation({ id: 'c1', create: true, userId: 'u1', title: 'Support' })
  await chat.send('Hi')
  const res = await ai.chat({ messages: [{ role: 'user', content: 'Hi' }], scope: { userId: 'u1' } })
  await ai.close()
  await expect(ai.store.conversations.getConversation('c1')).rejects.toMatchObject({ code: 'store' })
  await options.afterClose?.(ai.store)

  const store = await options.open()
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
    await store.close?.()
  }
}

/**
 * A store plugin set up after another store is registered fails `createAI()` with a ConfigError
 * naming it. Check afterwards that it let go of the database it opened. Call it inside a vitest
 * test.
 */
export async function checkSecondStoreRefused(plugin: Plugin): Promise<void> {
  const other = definePlugin({
    name: 'other-store',
    setup: (host) => host.registerStore(createMemoryStore()),
  })
  await expect(createAI({ plugins: [other, plugin] })).rejects.toMatchObject({
    code: 'config',
    message: expect.stringContaining(`Plugin '${plugin.name}' failed to set up: Two stores`),
  })
}
