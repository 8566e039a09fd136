import { createHash } from 'node:crypto'
import { StoreError } from '@aimux/ai-core'
import type { Pool } from 'pg'
import { quoteIdentifier } from './quote-identifier.js'
import { migrations } from './schema.js'
import { inTransaction } from './transaction.js'

/**
 * Creates the store's schema when missing and applies the migrations it lacks, recording each in
 * aimux_migrations, all in one transaction under an advisory lock on the schema's name: instances
 * starting at once migrate one after the other, and each migration runs exactly once. A schema
 * newer than this code is refused before anything changes.
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const s = quoteIdentifier(schema)
  const latest = migrations.at(-1)!.version
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(schema)])
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])
    if (rowCount === 0) await client.query(`CREATE SCHEMA ${s}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.aimux_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz(3) NOT NULL)`,
    )
    const { rows } = await client.query<{ version: number }>(
      `SELECT coalesce(max(version), 0) AS version FROM ${s}.aimux_migrations`,
    )
    const current = rows[0]!.version
    if (current > latest) {
      throw new StoreError(
        `The PostgreSQL schema ${s} has schema version ${current}, newer than version ${latest}, the latest this @aimux/store-postgres knows. Upgrade @aimux/store-postgres to use it; nothing was changed.`,
      )
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue
      await client.query(migration.sql(s))
      await client.query(
        `INSERT INTO ${s}.aimux_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, new Date()],
      )
    }
  })
}

/** A 64-bit advisory lock key of its own for each schema name. */
function lockKey(schema: string): string {
  return createHash('sha256').update(`aimux.migrate:${schema}`).digest().readBigInt64BE(0).toString()
}
