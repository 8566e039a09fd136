import { StoreError } from '@aimux/ai-core'
import { latencyBucket } from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { migrations } from './schema.js'

/**
 * Brings the database's schema up to the latest migration, recording each one applied in
 * aimux_migrations. It runs under BEGIN IMMEDIATE, so processes opening one file at once apply
 * each migration exactly once; a database newer than this code is refused before anything changes.
 */
export function migrate(db: Database, path: string): void {
  const latest = migrations.at(-1)!.version
  // The latency bucket of approximate percentiles, the same in SQL as in JavaScript: migration 4
  // counts the stored latencies with it, and usage queries the latencies they read.
  db.function('aimux_latency_bucket', { deterministic: true }, (latency) => latencyBucket(latency as number))
  db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS aimux_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    )
    const current =
      db.prepare<[], number | null>('SELECT max(version) FROM aimux_migrations').pluck().get() ?? 0
    if (current > latest) {
      throw new StoreError(
        `The SQLite database ${path} has schema version ${current}, newer than version ${latest}, the latest this @aimux/store-sqlite knows. Upgrade @aimux/store-sqlite to open it; nothing was changed.`,
      )
    }
    const record = db.prepare('INSERT INTO aimux_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    for (const migration of migrations) {
      if (migration.version <= current) continue
      db.exec(migration.sql)
      record.run(migration.version, migration.name, Date.now())
    }
  }).immediate()
}
