import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dailyUsageQuery, dailyUsageRecords } from '@aimux/ai-testing/conformance'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { migrations } from './schema.js'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-migrate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function inspect<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

/** Undoes what migrations 6 and later made, for the tests that take a database back to an older version. */
const sinceVersion6 =
  'DROP TABLE IF EXISTS job_runs; DROP INDEX IF EXISTS conversations_by_activity; ALTER TABLE conversations DROP COLUMN archived_at; ALTER TABLE usage_records DROP COLUMN operation; ALTER TABLE usage_records DROP COLUMN counts; DROP TABLE IF EXISTS batch_jobs; DROP TABLE IF EXISTS audit_records; DROP TABLE IF EXISTS webhook_deliveries;'

const appliedVersions = (db: Database.Database) =>
  db.prepare('SELECT version, name FROM aimux_migrations ORDER BY version').all()

it('creates a new database with every migration recorded, in WAL mode, directory included', async () => {
  const path = join(dir, 'nested', 'deeper', 'fresh.db')
  const store = await createSqliteStore({ path })
  await store.close()

  expect(existsSync(path)).toBe(true)
  expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
  inspect(path, (db) => {
    expect(appliedVersions(db)).toEqual(migrations.map(({ version, name }) => ({ version, name })))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all()
    expect(tables).toEqual([
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
  })
})

it('opens an up-to-date database again without applying anything or losing data', async () => {
  const path = join(dir, 'again.db')
  const first = await createSqliteStore({ path })
  await first.conversations.createConversation({ id: 'c1', title: 'kept' })
  await first.close()
  const recordedAt = inspect(path, (db) =>
    db.prepare('SELECT applied_at FROM aimux_migrations').pluck().all(),
  )

  for (let i = 0; i < 3; i++) {
    const again = await createSqliteStore({ path })
    expect(await again.conversations.getConversation('c1')).toMatchObject({ title: 'kept' })
    await again.close()
  }
  inspect(path, (db) => {
    expect(appliedVersions(db)).toHaveLength(migrations.length)
    expect(db.prepare('SELECT applied_at FROM aimux_migrations').pluck().all()).toEqual(recordedAt)
  })
})

it('refuses a database whose schema is newer than it knows, changing nothing', async () => {
  const path = join(dir, 'newer.db')
  const store = await createSqliteStore({ path })
  await store.close()
  const newer = migrations.length + 1
  const db = new Database(path)
  db.prepare('INSERT INTO aimux_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
    newer,
    'future',
    1,
  )
  db.close()

  await expect(createSqliteStore({ path })).rejects.toMatchObject({
    name: 'StoreError',
    code: 'store',
    message: expect.stringMatching(
      new RegExp(
        `schema version ${newer}, newer than version ${migrations.length}.*Upgrade @aimux/store-sqlite`,
      ),
    ),
  })
  inspect(path, (db) => {
    expect(db.prepare('SELECT version FROM aimux_migrations ORDER BY version').pluck().all()).toEqual([
      ...migrations.map((m) => m.version),
      newer,
    ])
  })
})

it('puts the database under ./.aimux/ by default', async () => {
  // In a process of its own: the working directory is the process's, and a test may run in a
  // worker thread, which cannot change it.
  const work = mkdtempSync(join(dir, 'cwd-'))
  const worker = startWorker('./default-path-worker.ts', [work])
  expect(await worker.nextLine()).toBe('done')
  expect(await worker.exited).toEqual({ code: 0, signal: null })
  expect(existsSync(join(work, '.aimux', 'aimux.db'))).toBe(true)
}, 60_000)

it('rejects invalid options, naming the field', async () => {
  await expect(createSqliteStore({ path: '' })).rejects.toMatchObject({
    code: 'validation',
    message: expect.stringMatching(/^Invalid sqliteStore options: path: /),
  })
  await expect(createSqliteStore({ busyTimeoutMs: -1 })).rejects.toMatchObject({
    code: 'validation',
    message: expect.stringMatching(/busyTimeoutMs/),
  })
})

it('reports a file that is not a database as a StoreError', async () => {
  const path = join(dir, 'not-a-database.db')
  writeFileSync(path, 'this is not a database, just text long enough to have a header of sorts')
  await expect(createSqliteStore({ path })).rejects.toMatchObject({
    code: 'store',
    message: expect.stringMatching(/not-a-database\.db/),
  })
})

it('gives the reservations of a version 1 database an expiry, so one left by a dead process stops counting', async () => {
  const path = join(dir, 'version-1.db')
  const key = { scope: 'tenant', scopeId: 't1', period: 'total', periodStart: '1970-01-01' } as const
  const old = new Database(path)
  old.exec(
    'CREATE TABLE aimux_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  )
  old.exec(migrations[0]!.sql)
  old.prepare('INSERT INTO aimux_migrations VALUES (1, ?, 1)').run(migrations[0]!.name)
  const now = Date.now()
  old.prepare("INSERT INTO spend_counters VALUES ('tenant', 't1', 'total', '1970-01-01', 5, 300)").run()
  const reserve = old.prepare('INSERT INTO spend_reservations VALUES (?, ?, ?, ?)')
  // Made 20 minutes ago by a process that died, and 1 minute ago by one still running.
  reserve.run('dead', 100, JSON.stringify([key]), now - 20 * 60_000)
  reserve.run('running', 200, JSON.stringify([key]), now - 60_000)
  old.close()

  const store = await createSqliteStore({ path })
  expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 5, reservedNanoUsd: 200 })
  await store.spend.settle('running', 150)
  expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 155, reservedNanoUsd: 0 })
  await store.close()
  inspect(path, (db) => {
    expect(db.prepare('SELECT count(*) FROM spend_reservations').pluck().get()).toBe(0)
    expect(appliedVersions(db)).toHaveLength(migrations.length)
  })
})

it('adds virtual keys to a version 2 database, keeping what it holds', async () => {
  const path = join(dir, 'version-2.db')
  const old = new Database(path)
  old.exec(
    'CREATE TABLE aimux_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  )
  for (const migration of migrations.slice(0, 2)) {
    old.exec(migration.sql)
    old.prepare('INSERT INTO aimux_migrations VALUES (?, ?, 1)').run(migration.version, migration.name)
  }
  old
    .prepare("INSERT INTO conversations VALUES ('c1', NULL, 'u1', NULL, 'kept', NULL, '{}', 7, 0, 1, 1)")
    .run()
  old.close()

  const store = await createSqliteStore({ path })
  const key = {
    id: 'vk_1',
    hash: 'ab'.repeat(32),
    prefix: 'sk-aimux-abab',
    scope: { userId: 'u1' },
    limits: { requestsPerMinute: 10 },
    createdAt: new Date('2026-11-22T12:00:00.123Z'),
  }
  await store.virtualKeys.create(key)
  expect(await store.virtualKeys.findByHash(key.hash)).toEqual(key)
  expect(await store.conversations.getConversation('c1')).toMatchObject({
    title: 'kept',
    totalCostNanoUsd: 7,
  })
  await store.close()
  inspect(path, (db) => {
    expect(appliedVersions(db)).toEqual(migrations.map(({ version, name }) => ({ version, name })))
  })
})

it('sums the usage records of a version 3 database into the per-day tables, answering as before', async () => {
  const path = join(dir, 'version-3.db')
  const store = await createSqliteStore({ path })
  await store.usage.recordUsage(dailyUsageRecords())
  const query = dailyUsageQuery()
  const before = await store.usage.queryUsage(query)
  await store.close()
  // Back to version 3: the records without their day sums.
  const db = new Database(path)
  db.exec(
    `DROP TABLE usage_daily; DROP TABLE usage_daily_latency; DROP TABLE usage_daily_models;
     ${sinceVersion6} DELETE FROM aimux_migrations WHERE version >= 4`,
  )
  db.close()

  const again = await createSqliteStore({ path })
  expect(await again.usage.queryUsage(query)).toEqual(before)
  await again.close()
  inspect(path, (db) => {
    expect(appliedVersions(db)).toEqual(migrations.map(({ version, name }) => ({ version, name })))
    expect(db.prepare('SELECT sum(requests) FROM usage_daily').pluck().get()).toBe(5)
    expect(db.prepare('SELECT sum(requests) FROM usage_daily_latency').pluck().get()).toBe(5)
    expect(db.prepare('SELECT sum(requests) FROM usage_daily_models').pluck().get()).toBe(5)
  })
})

it('sums the per-day rows of a version 4 database by model, answering as before', async () => {
  const path = join(dir, 'version-4.db')
  const store = await createSqliteStore({ path })
  await store.usage.recordUsage(dailyUsageRecords())
  const query = dailyUsageQuery()
  const before = await store.usage.queryUsage(query)
  await store.close()
  // Back to version 4: the per-day rows without their sums by model.
  const db = new Database(path)
  db.exec(`DROP TABLE usage_daily_models; ${sinceVersion6} DELETE FROM aimux_migrations WHERE version >= 5`)
  db.close()

  const again = await createSqliteStore({ path })
  expect(await again.usage.queryUsage(query)).toEqual(before)
  await again.close()
  inspect(path, (db) => {
    expect(appliedVersions(db)).toEqual(migrations.map(({ version, name }) => ({ version, name })))
    expect(
      db
        .prepare(
          'SELECT model, sum(requests) AS requests, sum(cost_nano_usd) AS cost FROM usage_daily_models GROUP BY model ORDER BY model',
        )
        .all(),
    ).toEqual(
      db
        .prepare(
          'SELECT model, sum(requests) AS requests, sum(cost_nano_usd) AS cost FROM usage_daily GROUP BY model ORDER BY model',
        )
        .all(),
    )
    expect(db.prepare('SELECT DISTINCT model FROM usage_daily_models').all()).toHaveLength(2)
  })
})

it('gives the usage records of a version 5 database the operation chat, answering as before', async () => {
  const path = join(dir, 'version-5.db')
  const store = await createSqliteStore({ path })
  const records = dailyUsageRecords()
  await store.usage.recordUsage(records)
  const query = dailyUsageQuery()
  const before = await store.usage.queryUsage(query)
  await store.close()
  // Back to version 5: usage records without their operation (and nothing a later migration added).
  const db = new Database(path)
  db.exec(`${sinceVersion6} DELETE FROM aimux_migrations WHERE version >= 6`)
  db.close()

  const again = await createSqliteStore({ path })
  expect(await again.usage.queryUsage(query)).toEqual(before)
  expect(await again.usage.getUsage(records[0]!.requestId)).toEqual({ ...records[0], operation: 'chat' })
  const range = { from: new Date(0), to: new Date('2100-01-01T00:00:00Z') }
  expect(await again.usage.queryUsage({ ...range, operation: 'embed' })).toMatchObject([{ requests: 0 }])
  expect(await again.usage.queryUsage({ ...range, operation: 'chat' })).toEqual(
    await again.usage.queryUsage(range),
  )
  await again.close()
  inspect(path, (db) => {
    expect(appliedVersions(db)).toEqual(migrations.map(({ version, name }) => ({ version, name })))
  })
  expect(migrations.find((m) => m.version === 6)).toMatchObject({ name: 'usage operation' })
})

/** Undoes what migrations 7 and later made: sinceVersion6 but migration 6's own column. */
const sinceVersion7 = sinceVersion6.replace('ALTER TABLE usage_records DROP COLUMN operation; ', '')

it('adds batch jobs to a version 6 database, keeping what it holds', async () => {
  const path = join(dir, 'version-6.db')
  const first = await createSqliteStore({ path })
  await first.conversations.createConversation({ id: 'c1', title: 'kept' })
  await first.close()
  // Back to version 6: no batch jobs table.
  const old = new Database(path)
  old.exec(`${sinceVersion7} DELETE FROM aimux_migrations WHERE version >= 7`)
  old.close()

  const store = await createSqliteStore({ path })
  expect(await store.conversations.getConversation('c1')).toMatchObject({ title: 'kept' })
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
  await store.batches.create(job)
  expect(await store.batches.get('batch_1')).toEqual(job)
  await store.close()
  inspect(path, (db) => {
    expect(appliedVersions(db)).toEqual(migrations.map(({ version, name }) => ({ version, name })))
  })
  expect(migrations.find((m) => m.version === 7)).toMatchObject({ name: 'batch jobs' })
})
