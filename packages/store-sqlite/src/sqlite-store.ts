import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { AimuxError, type Store, StoreError } from '@aimux/ai-core'
import { createStorePorts, validate } from '@aimux/ai-core/store-kit'
import Database from 'better-sqlite3'
import { z } from 'zod'
import { createAuditStore } from './audit-store.js'
import { createBatchStore } from './batch-store.js'
import { createCatalogStore } from './catalog-store.js'
import { createConnectionStore } from './connection-store.js'
import { createConversationStore } from './conversation-store.js'
import { createJobStore } from './job-store.js'
import { migrate } from './migrate.js'
import { createSpendStore } from './spend-store.js'
import { createUsageStore } from './usage-store.js'
import { createVirtualKeyStore } from './virtual-key-store.js'
import { createWebhookOutboxStore } from './webhook-outbox-store.js'

export interface SqliteStoreOptions {
  /**
   * The database file, created with its directory when missing; default `.aimux/aimux.db` under
   * the working directory. `':memory:'` opens a private in-memory database.
   */
  path?: string
  /** How long a write waits for another connection's lock before failing, in milliseconds; default 5000. */
  busyTimeoutMs?: number
}

const optionsSchema = z.strictObject({
  path: z.string().min(1).default('.aimux/aimux.db'),
  busyTimeoutMs: z.number().int().nonnegative().default(5_000),
})

/** A Store on a SQLite file; close() closes the database (and is safe to call twice). */
export interface SqliteStore extends Store {
  close(): Promise<void>
}

/**
 * Opens a SQLite database (better-sqlite3) in WAL mode with foreign keys on, applies the
 * migrations it lacks and returns every storage port on it. Several processes may share one file.
 */
export async function createSqliteStore(options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const { path, busyTimeoutMs } = validate(optionsSchema, options, 'sqliteStore options')
  let db: Database.Database
  try {
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true })
    db = new Database(path, { timeout: busyTimeoutMs })
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
  } catch (error) {
    throw new StoreError(`Cannot open the SQLite database ${path}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  try {
    migrate(db, path)
  } catch (error) {
    db.close()
    if (AimuxError.is(error)) throw error
    throw new StoreError(`Cannot migrate the SQLite database ${path}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return {
    name: 'sqlite',
    ...createStorePorts(db, 'sqlite store', {
      conversations: createConversationStore,
      usage: createUsageStore,
      catalog: createCatalogStore,
      spend: createSpendStore,
      connections: createConnectionStore,
      virtualKeys: createVirtualKeyStore,
      batches: createBatchStore,
      audit: createAuditStore,
      jobs: createJobStore,
      webhooks: createWebhookOutboxStore,
    }),
    async close() {
      if (db.open) db.close()
    },
  }
}
