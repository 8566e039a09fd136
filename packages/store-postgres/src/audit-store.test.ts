import type { AuditRecord } from '@aimux/ai-core'
import { Pool } from 'pg'
import { afterAll, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'

const pool = new Pool({ connectionString: testDatabaseUrl })
const schemas: string[] = []
afterAll(async () => {
  await dropSchemas(schemas)
  await pool.end()
})

const record = (id: string, at: number): AuditRecord => ({
  id,
  createdAt: new Date(at),
  requestId: `req_${id}`,
  userId: 'u1',
  operation: 'chat',
  stream: false,
  provider: 'openai',
  model: 'gpt-4o-mini',
  promptSha256: 'a'.repeat(64),
  costNanoUsd: 5,
  inputTokens: 1,
  outputTokens: 1,
  outcome: 'success',
})

it('refuses an UPDATE, a DELETE and a TRUNCATE of the audit records, whoever sends them', async () => {
  const schema = freshSchemaName()
  schemas.push(schema)
  const store = await createPostgresStore({ pool, schema })
  await store.audit.append([record('a1', 1_000), record('a2', 2_000)])
  const table = `"${schema}".audit_records`
  await expect(pool.query(`UPDATE ${table} SET cost_nano_usd = 0 WHERE id = 'a1'`)).rejects.toThrow(
    /append-only/,
  )
  await expect(pool.query(`DELETE FROM ${table} WHERE id = 'a2'`)).rejects.toThrow(/append-only/)
  await expect(pool.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only/)
  const { items } = await store.audit.query()
  expect(items.map((r) => [r.id, r.costNanoUsd])).toEqual([
    ['a2', 5],
    ['a1', 5],
  ])
})

it('appends 2000 records in one statement, duplicates left as they were', async () => {
  const schema = freshSchemaName()
  schemas.push(schema)
  const store = await createPostgresStore({ pool, schema })
  const records = Array.from({ length: 2_000 }, (_, i) => record(`r${String(i).padStart(4, '0')}`, 1_000 + i))
  await store.audit.append(records)
  await store.audit.append([{ ...records[0]!, costNanoUsd: 77 }])
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n, sum(cost_nano_usd)::int AS cost FROM "${schema}".audit_records`,
  )
  expect(rows[0]).toEqual({ n: 2_000, cost: 10_000 })
})
