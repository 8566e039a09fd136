import type { Plugin } from '@aimux/ai-core'
import { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js'

/**
 * The SQLite store as a plugin: `createAI({ plugins: [sqliteStore({ path: 'aimux.db' })] })`.
 * The database is opened and migrated when the instance is set up, reachable as `ai.store`, and
 * closed by `ai.close()`.
 */
export function sqliteStore(options: SqliteStoreOptions = {}): Plugin {
  let store: SqliteStore | undefined
  return {
    name: 'store-sqlite',
    async setup(host) {
      const opened = await createSqliteStore(options)
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
