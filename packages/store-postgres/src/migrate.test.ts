import { dailyUsageQuery, dailyUsageRecords } from '@aimux/ai-testing/conformance'
import { Client, Pool } from 'pg'
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore, type PostgresStore } from './postgres-store.js'
import { migrations } from './schema.js'

const schemas: string[] = []
let client: Client
beforeEach(async () => {
  client = new Client({ connectionString: testDatabaseUrl })
  await client.connect()
})
afterEach(() => client.end())
afterAll(() => dropSchemas(schemas))

function newSchema(): string {
  const schema = freshSchemaName()
  schemas.push(schema)
  return schema
}

async function applied(schema: string): Promise<{ version: number; name: string; applied_at: Date }[]> {
  const { rows } = await client.query(
    `SELECT version, name, applied_at FROM "${schema}".aimux_migrations ORDER BY version`,
  )
  return rows
}

/** Undoes what migrations 6 and later made, for the tests that take a schema back to an older version. */
const sinceVersion6 = (schema: string) =>
  `DROP TABLE IF EXISTS "${schema}".job_runs; DROP INDEX IF EXISTS "${schema}".conversations_by_activity; ALTER TABLE "${schema}".conversations DROP COLUMN archived_at; ALTER TABLE "${schema}".usage_records DROP COLUMN operation; ALTER TABLE "${schema}".usage_records DROP COLUMN counts; DROP TABLE IF EXISTS "${schema}".batch_jobs; DROP TABLE IF EXISTS "${schema}".audit_records; DROP TABLE IF EXISTS "${schema}".webhook_deliveries;`

async function open(schema: string): Promise<PostgresStore> {
  return createPostgresStore({ connectionString: testDatabaseUrl, schema })
}

it('creates the schema with every migration recorded, its tables and the analytics indexes', async () => {
  const schema = newSchema()
  await (await open(schema)).close()

  expect((await applied(schema)).map(({ version, name }) => ({ version, name }))).toEqual(
    migrations.map(({ version, name }) => ({ version, name })),
  )
  const { rows: tables } = await client.query(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  )
  expect(tables.map((t) => t.table_name)).toEqual([
    'aimux_migrations',
    'audit_records',
    'batch_jobs',
    'connection_audit',
    'connection_health',
    'connections',
    'conversations',
    'job_runs',
    'messages',
    'models',
    'preferences',
    'prices',
    'spend_counters',
    'spend_reservations',
    'spend_thresholds',
    'usage_daily',
    'usage_daily_latency',
    'usage_daily_models',
    'usage_records',
    'virtual_keys',
    'webhook_deliveries',
  ])

  // With sequential scans ruled out, the planner shows which index serves each analytics query.
  await client.query('BEGIN')
  await client.query('SET LOCAL enable_seqscan = off')
  const plan = async (where: string) =>
    (await client.query(`EXPLAIN SELECT count(*) FROM "${schema}".usage_records WHERE ${where}`)).rows
      .map((row) => row['QUERY PLAN'])
      .join('\n')
  const range = `created_at >= '2026-11-01' AND created_at < '2026-12-01'`
  expect(await plan(range)).toMatch(/usage_by_time/)
  expect(await plan(`tenant_id = 't1' AND ${range}`)).toMatch(/usage_by_tenant/)
  expect(await plan(`user_id = 'u1' AND ${range}`)).toMatch(/usage_by_user/)
  await client.query('ROLLBACK')
})

it('opens an up-to-date schema again without applying anything or losing data', async () => {
  const schema = newSchema()
  const first = await open(schema)
  await first.conversations.createConversation({ id: 'c1', title: 'kept' })
  await first.close()
  const before = await applied(schema)

  for (let i = 0; i < 3; i++) {
    const again = await open(schema)
    expect(await again.conversations.getConversation('c1')).toMatchObject({ title: 'kept' })
    await again.close()
  }
  expect(await applied(schema)).toEqual(before)
})

it('refuses a schema newer than it knows, changing nothing', async () => {
  const schema = newSchema()
  await (await open(schema)).close()
  const newer = migrations.length + 1
  await client.query(`INSERT INTO "${schema}".aimux_migrations VALUES ($1, 'future', now())`, [newer])

  await expect(open(schema)).rejects.toMatchObject({
    name: 'StoreError',
    code: 'store',
    message: expect.stringMatching(
      new RegExp(
        `schema version ${newer}, newer than version ${migrations.length}.*Upgrade @aimux/store-postgres`,
      ),
    ),
  })
  expect((await applied(schema)).map((m) => m.version)).toEqual([...migrations.map((m) => m.version), newer])
})

it('migrates once when eight instances start on a new schema at the same moment', async () => {
  const schema = newSchema()
  const stores = await Promise.all(Array.from({ length: 8 }, () => open(schema)))
  try {
    expect((await applied(schema)).map((m) => m.version)).toEqual(migrations.map((m) => m.version))
    await Promise.all(stores.map((store, i) => store.conversations.createConversation({ id: `c${i}` })))
    expect((await stores[0]!.conversations.listConversations({})).items).toHaveLength(8)
  } finally {
    await Promise.all(stores.map((store) => store.close()))
  }
})

it('keeps two schemas in one database apart', async () => {
  const a = await open(newSchema())
  const b = await open(newSchema())
  try {
    await a.conversations.createConversation({ id: 'same-id', title: 'in a' })
    await b.conversations.createConversation({ id: 'same-id', title: 'in b' })
    expect(await a.conversations.getConversation('same-id')).toMatchObject({ title: 'in a' })
    expect(await b.conversations.getConversation('same-id')).toMatchObject({ title: 'in b' })
    const key = { scope: 'global', scopeId: 'all', period: 'total', periodStart: '1970-01-01' } as const
    await a.spend.reserve({ reservationId: 'r', amountNanoUsd: 5, keys: [{ key }] })
    expect(await b.spend.getSpend(key)).toEqual({ spentNanoUsd: 0, reservedNanoUsd: 0 })
    await expect(b.spend.settle('r', 5)).rejects.toMatchObject({ code: 'store' })
  } finally {
    await a.close()
    await b.close()
  }
})

it('takes any schema name, quoted safely', async () => {
  const schema = `Odd "${newSchema().slice(-8)}"; DROP SCHEMA public; --`
  schemas.push(schema)
  const store = await open(schema)
  await store.conversations.createConversation({ id: 'c1' })
  await store.close()
  const { rows } = await client.query('SELECT nspname FROM pg_namespace WHERE nspname IN ($1, $2)', [
    schema,
    'public',
  ])
  expect(rows.map((r) => r.nspname).sort()).toEqual(['public', schema].sort())
  const { rows: conversations } = await client.query(
    `SELECT id FROM "${schema.replaceAll('"', '""')}".conversations`,
  )
  expect(conversations).toEqual([{ id: 'c1' }])
})

it('leaves a pool it was given open, and ends one it opened', async () => {
  const pool = new Pool({ connectionString: testDatabaseUrl })
  const given = await createPostgresStore({ pool, schema: newSchema() })
  await given.close()
  expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  await pool.end()

  const owned = await open(newSchema())
  await owned.close()
  await owned.close()
  await expect(owned.conversations.getConversation('c1')).rejects.toMatchObject({
    code: 'store',
    message: expect.stringMatching(/getConversation failed/),
  })
})

it('rejects invalid options, naming the field', async () => {
  const pool = new Pool({ connectionString: testDatabaseUrl })
  try {
    await expect(createPostgresStore({ connectionString: testDatabaseUrl, pool })).rejects.toMatchObject({
      code: 'validation',
      message:
        'Invalid postgresStore options: connectionString: give exactly one of connectionString and pool',
    })
    await expect(createPostgresStore({})).rejects.toMatchObject({ code: 'validation' })
    await expect(createPostgresStore({ pool, schema: 'x'.repeat(64) })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/schema: a PostgreSQL name is at most 63 bytes/),
    })
  } finally {
    await pool.end()
  }
})

it('reports a server it cannot reach as a StoreError', async () => {
  await expect(
    createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/aimux_test' }),
  ).rejects.toMatchObject({
    code: 'store',
    message: expect.stringMatching(/^Cannot set up the PostgreSQL store in schema aimux: .*ECONNREFUSED/),
  })
})

it('gives the reservations of a version 1 schema an expiry, so one left by a dead process stops counting', async () => {
  const schema = newSchema()
  const key = { scope: 'tenant', scopeId: 't1', period: 'total', periodStart: '1970-01-01' } as const
  await client.query(`CREATE SCHEMA "${schema}"`)
  await client.query(
    `CREATE TABLE "${schema}".aimux_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz(3) NOT NULL)`,
  )
  await client.query(migrations[0]!.sql(`"${schema}"`))
  await client.query(`INSERT INTO "${schema}".aimux_migrations VALUES (1, $1, now())`, [migrations[0]!.name])
  await client.query(
    `INSERT INTO "${schema}".spend_counters VALUES ('tenant', 't1', 'total', '1970-01-01', 5, 300)`,
  )
  const now = Date.now()
  // Made 20 minutes ago by a process that died, and 1 minute ago by one still running.
  for (const [id, amount, at] of [
    ['dead', 100, now - 20 * 60_000],
    ['running', 200, now - 60_000],
  ] as const) {
    await client.query(`INSERT INTO "${schema}".spend_reservations VALUES ($1, $2, $3, $4)`, [
      id,
      amount,
      JSON.stringify([key]),
      new Date(at),
    ])
  }

  const store = await open(schema)
  try {
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 5, reservedNanoUsd: 200 })
    await store.spend.settle('running', 150)
    expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 155, reservedNanoUsd: 0 })
  } finally {
    await store.close()
  }
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}".spend_reservations`)
  expect(rows[0].n).toBe(0)
  expect(await applied(schema)).toHaveLength(migrations.length)
})

it('adds virtual keys to a version 2 schema, keeping what it holds', async () => {
  const schema = newSchema()
  await client.query(`CREATE SCHEMA "${schema}"`)
  await client.query(
    `CREATE TABLE "${schema}".aimux_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz(3) NOT NULL)`,
  )
  for (const migration of migrations.slice(0, 2)) {
    await client.query(migration.sql(`"${schema}"`))
    await client.query(`INSERT INTO "${schema}".aimux_migrations VALUES ($1, $2, now())`, [
      migration.version,
      migration.name,
    ])
  }
  await client.query(
    `INSERT INTO "${schema}".conversations VALUES ('c1', NULL, 'u1', NULL, 'kept', NULL, '{}', 7, 0, now(), now())`,
  )

  const store = await open(schema)
  const key = {
    id: 'vk_1',
    hash: 'ab'.repeat(32),
    prefix: 'sk-aimux-abab',
    scope: { userId: 'u1' },
    limits: { requestsPerMinute: 10 },
    createdAt: new Date('2026-11-22T12:00:00.123Z'),
  }
  try {
    await store.virtualKeys.create(key)
    expect(await store.virtualKeys.findByHash(key.hash)).toEqual(key)
    expect(await store.conversations.getConversation('c1')).toMatchObject({
      title: 'kept',
      totalCostNanoUsd: 7,
    })
  } finally {
    await store.close()
  }
  expect((await applied(schema)).map(({ version, name }) => ({ version, name }))).toEqual(
    migrations.map(({ version, name }) => ({ version, name })),
  )
})

it('sums the usage records of a version 3 schema into the per-day tables, answering as before', async () => {
  const schema = newSchema()
  const store = await open(schema)
  await store.usage.recordUsage(dailyUsageRecords())
  const query = dailyUsageQuery()
  const before = await store.usage.queryUsage(query)
  await store.close()
  // Back to version 3: the records without their day sums.
  await client.query(
    `DROP TABLE "${schema}".usage_daily, "${schema}".usage_daily_latency, "${schema}".usage_daily_models;
     ${sinceVersion6(schema)} DELETE FROM "${schema}".aimux_migrations WHERE version >= 4`,
  )

  const again = await open(schema)
  expect(await again.usage.queryUsage(query)).toEqual(before)
  await again.close()
  expect((await applied(schema)).map((m) => m.version)).toEqual(migrations.map((m) => m.version))
  const { rows } = await client.query(
    `SELECT (SELECT sum(requests)::int FROM "${schema}".usage_daily) AS daily,
       (SELECT sum(requests)::int FROM "${schema}".usage_daily_latency) AS latency,
       (SELECT sum(requests)::int FROM "${schema}".usage_daily_models) AS models`,
  )
  expect(rows[0]).toEqual({ daily: 5, latency: 5, models: 5 })
})

it('sums the per-day rows of a version 4 schema by model, answering as before', async () => {
  const schema = newSchema()
  const store = await open(schema)
  await store.usage.recordUsage(dailyUsageRecords())
  const query = dailyUsageQuery()
  const before = await store.usage.queryUsage(query)
  await store.close()
  // Back to version 4: the per-day rows without their sums by model.
  await client.query(
    `DROP TABLE "${schema}".usage_daily_models; ${sinceVersion6(schema)}
     DELETE FROM "${schema}".aimux_migrations WHERE version >= 5`,
  )

  const again = await open(schema)
  expect(await again.usage.queryUsage(query)).toEqual(before)
  await again.close()
  expect((await applied(schema)).map((m) => m.version)).toEqual(migrations.map((m) => m.version))
  const byModel = (table: string) =>
    client
      .query(
        `SELECT model, sum(requests)::int AS requests, sum(cost_nano_usd)::text AS cost
         FROM "${schema}".${table} GROUP BY model ORDER BY model`,
      )
      .then((result) => result.rows)
  expect(await byModel('usage_daily_models')).toEqual(await byModel('usage_daily'))
  expect(await byModel('usage_daily_models')).toHaveLength(2)
})

it('gives the usage records of a version 5 schema the operation chat, answering as before', async () => {
  const schema = newSchema()
  const store = await open(schema)
  const records = dailyUsageRecords()
  await store.usage.recordUsage(records)
  const query = dailyUsageQuery()
  const before = await store.usage.queryUsage(query)
  await store.close()
  // Back to version 5: usage records without their operation (and nothing a later migration added).
  await client.query(`${sinceVersion6(schema)} DELETE FROM "${schema}".aimux_migrations WHERE version >= 6`)

  const again = await open(schema)
  expect(await again.usage.queryUsage(query)).toEqual(before)
  expect(await again.usage.getUsage(records[0]!.requestId)).toEqual({ ...records[0], operation: 'chat' })
  const range = { from: new Date(0), to: new Date('2100-01-01T00:00:00Z') }
  expect(await again.usage.queryUsage({ ...range, operation: 'embed' })).toMatchObject([{ requests: 0 }])
  expect(await again.usage.queryUsage({ ...range, operation: 'chat' })).toEqual(
    await again.usage.queryUsage(range),
  )
  await again.close()
  expect((await applied(schema)).map((m) => m.version)).toEqual(migrations.map((m) => m.version))
  expect(migrations.find((m) => m.version === 6)).toMatchObject({ name: 'usage operation' })
})

/** Undoes what migrations 7 and later made: sinceVersion6 but migration 6's own column. */
const sinceVersion7 = (schema: string) =>
  sinceVersion6(schema).replace(`ALTER TABLE "${schema}".usage_records DROP COLUMN operation; `, '')

it('adds batch jobs to a version 6 schema, keeping what it holds', async () => {
  const schema = newSchema()
  const store = await open(schema)
  await store.conversations.createConversation({ id: 'c1', title: 'kept' })
  await store.close()
  // Back to version 6: no batch jobs table.
  await client.query(`${sinceVersion7(schema)} DELETE FROM "${schema}".aimux_migrations WHERE version >= 7`)

  const again = await open(schema)
  expect(await again.conversations.getConversation('c1')).toMatchObject({ title: 'kept' })
  const at = new Date('2026-11-22T12:00:00.123Z')
  const job = {
    id: 'batch_1',
    provider: 'openai',
    model: 'gpt-4o-mini',
    providerBatchId: 'batch_abc',
    status: 'submitted' as const,
    counts: { total: 1, succeeded: 0, failed: 0, pending: 1 },
    scope: { userId: 'u1' },
    requests: [{ customId: '0', requestId: 'batch_1:0' }],
    createdAt: at,
    updatedAt: at,
  }
  await again.batches.create(job)
  expect(await again.batches.get('batch_1')).toEqual(job)
  await again.close()
  expect((await applied(schema)).map(({ version, name }) => ({ version, name }))).toEqual(
    migrations.map(({ version, name }) => ({ version, name })),
  )
  expect(migrations.find((m) => m.version === 7)).toMatchObject({ name: 'batch jobs' })
})
