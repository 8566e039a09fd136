import type { Plugin } from '@aimux/ai-core'
import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js'

/**
 * The PostgreSQL store as a plugin: `createAI({ plugins: [postgresStore({ connectionString })] })`.
 * The schema is migrated when the instance is set up, the store is reachable as `ai.store`, and
 * `ai.close()` ends the pool the store opened.
 */
export function postgresStore(options: PostgresStoreOptions): Plugin {
  let store: PostgresStore | undefined
  return {
    name: 'store-postgres',
    async setup(host) {
      const opened = await createPostgresStore(options)
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
