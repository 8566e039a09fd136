import type { Plugin } from './plugin.js'
import type { Store } from './store.js'

/**
 * A store that holds a resource (a file, a pool) until close(), which must be safe to call twice:
 * `ai.close()` closes the registered store, and the plugin's dispose closes it too.
 */
export interface ClosableStore extends Store {
  close(): Promise<void>
}

/**
 * A store package's plugin: setup opens the store with `open` and registers it (closing it again
 * when registering fails), and dispose, run by `ai.close()`, closes it.
 */
export function storePlugin(name: string, open: () => Promise<ClosableStore>): Plugin {
  let store: ClosableStore | undefined
  return {
    name,
    async setup(host) {
      const opened = await open()
      try {
        host.registerStore(opened)
      } catch (error) {
        await opened.close()
        throw error
      }
      store = opened
    },
    async dispose() {
      await store?.close()
    },
  }
}
