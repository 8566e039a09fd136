import { AimuxError, type Store, StoreError } from '@aimux/ai-core'
import { createStorePorts, validate } from '@aimux/ai-core/store-kit'
import { Pool } from 'pg'
import { z } from 'zod'
import { createCatalogStore } from './catalog-store.js'
import { createConnectionStore } from './connection-store.js'
import { createConversationStore } from './conversation-store.js'
import { migrate } from './migrate.js'
import { quoteIdentifier } from './quote-identifier.js'
import { createSpendStore } from './spend-store.js'
import { createUsageStore } from './usage-store.js'

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database`: the store opens a pool of its own and ends it on close(). */
  connectionString?: string
  /** A pg Pool the application owns: the store uses it and leaves it open on close(). */
  pool?: Pool
  /** The PostgreSQL schema that holds the store's tables, created when missing; default `aimux`. */
  schema?: string
}

const optionsSchema = z
  .strictObject({
    connectionString: z.string().min(1).optional(),
    pool: z
      .custom<Pool>(
        (value) => typeof (value as Pool | undefined)?.query === 'function',
        'expected a pg Pool (an object with query() and connect())',
      )
      .optional(),
    schema: z
      .string()
      .min(1)
      .refine((name) => Buffer.byteLength(name) <= 63 && !name.includes('\0'), {
        message: 'a PostgreSQL name is at most 63 bytes, without NUL',
      })
      .default('aimux'),
  })
  .refine((options) => (options.connectionString === undefined) !== (options.pool === undefined), {
    message: 'give exactly one of connectionString and pool',
    path: ['connectionString'],
  })

/** A Store on PostgreSQL; close() ends the pool the store opened (and is safe to call twice). */
export interface PostgresStore extends Store {
  close(): Promise<void>
}

/**
 * Connects to PostgreSQL (pg), creates the store's schema and applies the migrations it lacks,
 * and returns every storage port on it. Any number of instances may share one schema.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const { connectionString, pool: given, schema } = validate(optionsSchema, options, 'postgresStore options')
  const pool = given ?? new Pool({ connectionString })
  // A pooled idle connection that breaks is dropped by the pool; unheard, its error would end the process.
  if (!given) pool.on('error', () => {})
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= given ? Promise.resolve() : pool.end()
    return closing
  }
  try {
    await migrate(pool, schema)
  } catch (error) {
    await close()
    if (AimuxError.is(error)) throw error
    throw new StoreError(
      `Cannot set up the PostgreSQL store in schema ${schema}: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
  const s = quoteIdentifier(schema)
  return {
    name: 'postgres',
    ...createStorePorts(pool, 'postgres store', {
      conversations: (pool) => createConversationStore(pool, s),
      usage: (pool) => createUsageStore(pool, s),
      catalog: (pool) => createCatalogStore(pool, s),
      spend: (pool) => createSpendStore(pool, s),
      connections: (pool) => createConnectionStore(pool, s),
    }),
    close,
  }
}
