import type { Plugin } from '@aimux/ai-core'
import { storePlugin } from '@aimux/ai-core/store-kit'
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js'

/**
 * The SQLite store as a plugin: `createAI({ plugins: [sqliteStore({ path: 'aimux.db' })] })`.
 * The database is opened and migrated when the instance is set up, reachable as `ai.store`, and
 * closed by `ai.close()`.
 */
export function sqliteStore(options: SqliteStoreOptions = {}): Plugin {
  return storePlugin('store-sqlite', () => createSqliteStore(options))
}
