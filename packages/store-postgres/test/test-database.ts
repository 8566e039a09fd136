import { randomUUID } from 'node:crypto'
import { Client } from 'pg'
import { quoteIdentifier } from '../src/quote-identifier.js'

/** The PostgreSQL server the tests use; scripts/ensure-postgres.sh starts it and creates the database. */
export const testDatabaseUrl =
  process.env.AIMUX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/aimux_test'

/** A schema name no other test or run uses. */
export function freshSchemaName(): string {
  return `aimux_test_${randomUUID().replaceAll('-', '')}`
}

/**
 * Drops the given schemas and everything in them, one schema a transaction: dropping a whole
 * suite's schemas at once takes a lock per table and index, more than the server's shared lock
 * table holds (max_locks_per_transaction) when other suites are busy too.
 */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return
  const client = new Client({ connectionString: testDatabaseUrl })
  await client.connect()
  try {
    for (const schema of schemas)
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`)
  } finally {
    await client.end()
  }
}
