import { inspect } from 'node:util'
import { AimuxError, type Store, StoreError } from '@aimux/ai-core'
import { createStorePorts, validate } from '@aimux/ai-core/store-kit'
import { Pool } from 'pg'
import { z } from 'zod'
import { createAuditStore } from './audit-store.js'
import { createBatchStore } from './batch-store.js'
import { createCatalogStore } from './catalog-store.js'
import { createConnectionStore } from './connection-store.js'
import { createConversationStore } from './conversation-store.js'
import { createJobStore } from './job-store.js'
import { migrate } from './migrate.js'
import { quoteIdentifier } from './quote-identifier.js'
import { createSpendStore } from './spend-store.js'
import { createUsageStore } from './usage-store.js'
import { createVirtualKeyStore } from './virtual-key-store.js'
import { createWebhookOutboxStore } from './webhook-outbox-store.js'

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database`: the store opens a pool of its own and ends it on close(). */
  connectionString?: string
  /** A pg Pool the application owns: the store uses it and leaves it open on close(). */
  pool?: Pool
  /** The PostgreSQL schema that holds the store's tables, created when missing; default `aimux`. */
  schema?: string
  /**
   * With `connectionString`: how long opening a connection may take, the handshake included,
   * and how long a query may wait for a free pooled connection; default 10000. (A pool of your
   * own has its own `connectionTimeoutMillis`.)
   */
  connectTimeoutMs?: number
}

/** How long opening a connection may take unless `connectTimeoutMs` says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

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
    connectTimeoutMs: z.number().int().positive().optional(),
  })
  .refine((options) => (options.connectionString === undefined) !== (options.pool === undefined), {
    message: 'give exactly one of connectionString and pool',
    path: ['connectionString'],
  })
  .refine((options) => options.pool === undefined || options.connectTimeoutMs === undefined, {
    message: "applies to the pool the store opens; set your pool's connectionTimeoutMillis instead",
    path: ['connectTimeoutMs'],
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
  const {
    connectionString,
    pool: given,
    schema,
    connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  } = validate(optionsSchema, options, 'postgresStore options')
  const pool = given ?? new Pool({ connectionString, connectionTimeoutMillis: connectTimeoutMs })
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
    const timeoutMs = given ? (given.options.connectionTimeoutMillis ?? 0) : connectTimeoutMs
    throw setUpError(error, given ? given.options : { connectionString }, schema, timeoutMs)
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
      virtualKeys: (pool) => createVirtualKeyStore(pool, s),
      batches: (pool) => createBatchStore(pool, s),
      audit: (pool) => createAuditStore(pool, s),
      jobs: (pool) => createJobStore(pool, s),
      webhooks: (pool) => createWebhookOutboxStore(pool, s),
    }),
    close,
  }
}

type ServerOptions = {
  connectionString?: string | undefined
  host?: string | undefined
  port?: number | undefined
}

/**
 * The StoreError of a store that could not be set up: it names the server (host and port) and
 * says when no answer came in time. The password of the connection string is masked in its
 * message, and the driver's error is kept as its cause only when the password is nowhere in it.
 */
function setUpError(error: unknown, server: ServerOptions, schema: string, timeoutMs: number): StoreError {
  const at = serverOf(server)
  const secrets = passwordsOf(server.connectionString)
  const mask = (text: string) =>
    secrets.reduce((masked, secret) => masked.split(secret).join('[redacted]'), text)
  const reason = error instanceof Error ? error.message : String(error)
  const message = /connection timeout|timeout exceeded when trying to connect|timeout expired/i.test(reason)
    ? `Cannot connect to PostgreSQL at ${at}: no answer within ${timeoutMs} ms.`
    : `Cannot set up the PostgreSQL store in schema ${schema}: ${mask(reason)} (server ${at})`
  const shown = inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })
  const safe = secrets.every((secret) => !shown.includes(secret))
  const code = (error as { code?: unknown } | null)?.code
  const cause = safe ? error : Object.assign(new Error(mask(reason)), code === undefined ? {} : { code })
  return new StoreError(message, { cause })
}

/** `host:port` of the server, as pg resolves it (the connection string, else PGHOST/PGPORT). */
function serverOf({ connectionString, host, port }: ServerOptions): string {
  let url: URL | undefined
  try {
    url = connectionString ? new URL(connectionString) : undefined
  } catch {
    return 'the server of its connection string'
  }
  const name = url?.searchParams.get('host') || url?.hostname || host || process.env.PGHOST || 'localhost'
  const number = url?.searchParams.get('port') || url?.port || port || process.env.PGPORT || 5432
  return name.startsWith('/') ? name : `${name}:${number}`
}

/** The password of a connection string, as written and decoded, to mask wherever it shows. */
function passwordsOf(connectionString: string | undefined): string[] {
  if (!connectionString) return []
  const written = [
    /^[a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:([^@/?#]+)@/i.exec(connectionString)?.[1],
    /[?&]password=([^&#]+)/i.exec(connectionString)?.[1],
  ].filter((secret): secret is string => !!secret)
  const decoded = written.map((secret) => {
    try {
      return decodeURIComponent(secret)
    } catch {
      return secret
    }
  })
  return [...new Set([...written, ...decoded])]
}
