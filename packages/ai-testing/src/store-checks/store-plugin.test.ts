import { createMemoryStore, definePlugin } from '@aimux/ai-core'
import { expect, it } from 'vitest'
import { checkSecondStoreRefused, checkStorePlugin } from './store-plugin.js'

const memoryStorePlugin = () =>
  definePlugin({ name: 'memory-store', setup: (host) => host.registerStore(createMemoryStore()) })

it('refuses a second store plugin, naming it', async () => {
  await checkSecondStoreRefused(memoryStorePlugin())
})

it('finds a store that keeps answering after the instance closed', async () => {
  let opened = false
  await expect(
    checkStorePlugin({
      plugin: memoryStorePlugin(),
      storeName: 'memory',
      open: async () => {
        opened = true
        return createMemoryStore()
      },
    }),
  ).rejects.toThrow(/promise resolved .* instead of rejecting/)
  expect(opened).toBe(false)
})
