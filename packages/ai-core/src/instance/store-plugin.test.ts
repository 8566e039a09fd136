import { expect, it } from 'vitest'
import { createMemoryStore } from '../store/memory/memory-store.js'
import { createAI } from './create-ai.js'
import { definePlugin } from './plugin.js'
import { type ClosableStore, storePlugin } from './store-plugin.js'

function closable(): ClosableStore & { closed: number } {
  const store = {
    ...createMemoryStore(),
    name: 'closable',
    closed: 0,
    async close() {
      store.closed++
    },
  }
  return store
}

it('registers the store it opens and closes it when the instance closes', async () => {
  const store = closable()
  const ai = await createAI({ plugins: [storePlugin('store-closable', async () => store)] })
  expect(ai.store.name).toBe('closable')
  expect(store.closed).toBe(0)
  await ai.close()
  expect(store.closed).toBeGreaterThanOrEqual(1)
})

it('closes the store it opened when another store is already registered', async () => {
  const store = closable()
  const other = definePlugin({
    name: 'other-store',
    setup: (host) => host.registerStore(createMemoryStore()),
  })
  await expect(
    createAI({ plugins: [other, storePlugin('store-closable', async () => store)] }),
  ).rejects.toMatchObject({ code: 'config' })
  expect(store.closed).toBe(1)
})

it('closes the store after every plugin is disposed, whatever their order', async () => {
  const store = closable()
  const seen: number[] = []
  const writer = definePlugin({
    name: 'writes-on-dispose',
    setup() {},
    dispose() {
      seen.push(store.closed)
    },
  })
  const ai = await createAI({ plugins: [writer, storePlugin('store-closable', async () => store)] })
  await ai.close()
  expect(seen).toEqual([0])
  expect(store.closed).toBe(1)
})
