import { type ConnectionStore, StoreError } from '@aimux/ai-core'
import {
  type AuditRow,
  type ConnectionRow,
  sqliteCodec as codec,
  connectionAuditTable,
  connectionsTable,
  DEFAULT_AUDIT_LIMIT,
  emptyHealth,
  type HealthRow,
  type OutcomeDelta,
  outcomeDelta,
  toAudit,
  toAuditRow,
  toConnection,
  toConnectionRow,
  toHealth,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/** Rotation connections, their health counters and audit trail in SQLite. */
export function createConnectionStore(db: Database): ConnectionStore {
  const selectConnections = db.prepare<{ provider: string | null }, ConnectionRow>(
    'SELECT * FROM connections WHERE @provider IS NULL OR provider = @provider ORDER BY priority DESC, id',
  )
  const selectConnection = db.prepare<[string], ConnectionRow>('SELECT * FROM connections WHERE id = ?')
  const upsertConnection = db.prepare<ConnectionRow, ConnectionRow>(
    `${insertSql(connectionsTable)}
     ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, name = excluded.name,
       ciphertext = excluded.ciphertext, priority = excluded.priority, weight = excluded.weight,
       limits = excluded.limits, status = excluded.status, disabled_reason = excluded.disabled_reason,
       metadata = excluded.metadata, updated_at = excluded.updated_at
     RETURNING *`,
  )
  const deleteConnection = db.prepare<[string]>('DELETE FROM connections WHERE id = ?')
  const selectHealth = db.prepare<[string], HealthRow>(
    'SELECT * FROM connection_health WHERE connection_id = ?',
  )
  // One call's outcome, counted atomically; inserts nothing for a connection that does not exist.
  const recordOutcome = db.prepare<OutcomeDelta & { id: string }>(
    `INSERT INTO connection_health AS h (connection_id, successes, failures, consecutive_failures, last_used_at,
       last_error, last_error_at, latency_sum_ms, latency_count)
     SELECT id, @successes, @failures, @failures, @last_used_at, @last_error, @last_error_at, @latency_sum_ms,
       @latency_count
     FROM connections WHERE id = @id
     ON CONFLICT (connection_id) DO UPDATE SET
       successes = h.successes + excluded.successes,
       failures = h.failures + excluded.failures,
       consecutive_failures = CASE WHEN excluded.failures = 0 THEN 0 ELSE h.consecutive_failures + 1 END,
       last_used_at = excluded.last_used_at,
       last_error = CASE WHEN excluded.failures = 0 THEN h.last_error ELSE excluded.last_error END,
       last_error_at = CASE WHEN excluded.failures = 0 THEN h.last_error_at ELSE excluded.last_error_at END,
       latency_sum_ms = h.latency_sum_ms + excluded.latency_sum_ms,
       latency_count = h.latency_count + excluded.latency_count`,
  )
  const setCooldown = db.prepare<{ id: string; until: unknown }>(
    `INSERT INTO connection_health (connection_id, successes, failures, consecutive_failures, latency_sum_ms,
       latency_count, cooldown_until)
     SELECT id, 0, 0, 0, 0, 0, @until FROM connections WHERE id = @id
     ON CONFLICT (connection_id) DO UPDATE SET cooldown_until = excluded.cooldown_until`,
  )
  const insertAudit = db.prepare<AuditRow>(insertSql(connectionAuditTable))
  const selectAudit = db.prepare<{ connectionId: string | null; limit: number }, AuditRow>(
    `SELECT * FROM connection_audit WHERE @connectionId IS NULL OR connection_id = @connectionId
     ORDER BY at DESC, id DESC LIMIT @limit`,
  )

  return {
    async listConnections(filter = {}) {
      return selectConnections
        .all({ provider: filter.provider ?? null })
        .map((row) => toConnection(row, codec))
    },

    async getConnection(id) {
      const row = selectConnection.get(id)
      return row && toConnection(row, codec)
    },

    async upsertConnection(input) {
      return toConnection(upsertConnection.get(toConnectionRow(input, new Date(), codec))!, codec)
    },

    async deleteConnection(id) {
      return deleteConnection.run(id).changes > 0
    },

    async getHealth(id) {
      const row = selectHealth.get(id)
      return row ? toHealth(row, codec) : emptyHealth(id)
    },

    async recordOutcome(id, outcome) {
      const { changes } = recordOutcome.run({ id, ...outcomeDelta(outcome, codec) })
      if (changes === 0) throw new StoreError(`connection ${id} not found`)
    },

    async setCooldown(id, until) {
      const { changes } = setCooldown.run({ id, until: until ? codec.date.write(until) : null })
      if (changes === 0) throw new StoreError(`connection ${id} not found`)
    },

    async appendAudit(entry) {
      insertAudit.run(toAuditRow(entry, codec))
    },

    async listAudit(filter = {}) {
      return selectAudit
        .all({ connectionId: filter.connectionId ?? null, limit: filter.limit ?? DEFAULT_AUDIT_LIMIT })
        .map((row) => toAudit(row, codec))
    },
  }
}
