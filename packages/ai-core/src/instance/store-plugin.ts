import type { Store } from '../store/store.js'
import type { Plugin } from './plugin.js'

/**
 * A store that holds a resource (a file, a pool) until close(), which should be safe to call
 * twice. `ai.close()` closes the registered store once every plugin is disposed.
 */
export interface ClosableStore extends Store {
  close(): Promise<void>
}

/**
 * A store package's plugin: setup opens the store with `open` and registers it (closing it again
 * when registering fails). The instance closes it, after every plugin is disposed, so a plugin
 * may still write to the store in its own dispose whatever the order of the plugins.
 */
export function storePlugin(name: string, open: () => Promise<ClosableStore>): Plugin {
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
    },
  }
}
