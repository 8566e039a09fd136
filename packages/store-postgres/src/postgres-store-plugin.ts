import type { Plugin } from '@aimux/ai-core'
import { storePlugin } from '@aimux/ai-core/store-kit'
import { createPostgresStore, type PostgresStoreOptions } from './postgres-store.js'

/**
 * The PostgreSQL store as a plugin: `createAI({ plugins: [postgresStore({ connectionString })] })`.
 * The schema is migrated when the instance is set up, the store is reachable as `ai.store`, and
 * `ai.close()` ends the pool the store opened.
 */
export function postgresStore(options: PostgresStoreOptions): Plugin {
  return storePlugin('store-postgres', () => createPostgresStore(options))
}
