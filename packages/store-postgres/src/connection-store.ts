import { type ConnectionStore, StoreError } from '@aimux/ai-core'
import {
  type AuditRow,
  type ConnectionRow,
  postgresCodec as codec,
  columnValues,
  connectionAuditTable,
  connectionsTable,
  DEFAULT_AUDIT_LIMIT,
  emptyHealth,
  type HealthRow,
  outcomeDelta,
  toAudit,
  toAuditRow,
  toConnection,
  toConnectionRow,
  toHealth,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { insertSql } from './table-sql.js'

/** Rotation connections, their health counters and audit trail in PostgreSQL. */
export function createConnectionStore(pool: Pool, s: string): ConnectionStore {
  return {
    async listConnections(filter = {}) {
      const { rows } = await pool.query<ConnectionRow>(
        `SELECT * FROM ${s}.connections WHERE $1::text IS NULL OR provider = $1::text ORDER BY priority DESC, id`,
        [filter.provider ?? null],
      )
      return rows.map((row) => toConnection(row, codec))
    },

    async getConnection(id) {
      const { rows } = await pool.query<ConnectionRow>(`SELECT * FROM ${s}.connections WHERE id = $1`, [id])
      return rows[0] && toConnection(rows[0], codec)
    },

    async upsertConnection(input) {
      const row = toConnectionRow(input, new Date(), codec)
      const { rows } = await pool.query<ConnectionRow>(
        `${insertSql(s, connectionsTable)}
         ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, name = excluded.name,
           ciphertext = excluded.ciphertext, priority = excluded.priority, weight = excluded.weight,
           limits = excluded.limits, status = excluded.status, disabled_reason = excluded.disabled_reason,
           metadata = excluded.metadata, updated_at = excluded.updated_at
         RETURNING *`,
        columnValues(connectionsTable, row),
      )
      return toConnection(rows[0]!, codec)
    },

    async deleteConnection(id) {
      const { rowCount } = await pool.query(`DELETE FROM ${s}.connections WHERE id = $1`, [id])
      return rowCount! > 0
    },

    async getHealth(id) {
      const { rows } = await pool.query<HealthRow>(
        `SELECT * FROM ${s}.connection_health WHERE connection_id = $1`,
        [id],
      )
      return rows[0] ? toHealth(rows[0], codec) : emptyHealth(id)
    },

    async recordOutcome(id, outcome) {
      const d = outcomeDelta(outcome, codec)
      // One call's outcome, counted atomically; inserts nothing for a connection that does not exist.
      const { rowCount } = await pool.query(
        `INSERT INTO ${s}.connection_health AS h (connection_id, successes, failures, consecutive_failures,
           last_used_at, last_error, last_error_at, latency_sum_ms, latency_count)
         SELECT id, $2::bigint, $3::bigint, $3::bigint, $4::timestamptz, $5::text, $6::timestamptz,
           $7::double precision, $8::bigint
         FROM ${s}.connections WHERE id = $1
         ON CONFLICT (connection_id) DO UPDATE SET
           successes = h.successes + excluded.successes,
           failures = h.failures + excluded.failures,
           consecutive_failures = CASE WHEN excluded.failures = 0 THEN 0 ELSE h.consecutive_failures + 1 END,
           last_used_at = excluded.last_used_at,
           last_error = CASE WHEN excluded.failures = 0 THEN h.last_error ELSE excluded.last_error END,
           last_error_at = CASE WHEN excluded.failures = 0 THEN h.last_error_at ELSE excluded.last_error_at END,
           latency_sum_ms = h.latency_sum_ms + excluded.latency_sum_ms,
           latency_count = h.latency_count + excluded.latency_count`,
        [
          id,
          d.successes,
          d.failures,
          d.last_used_at,
          d.last_error,
          d.last_error_at,
          d.latency_sum_ms,
          d.latency_count,
        ],
      )
      if (rowCount === 0) throw new StoreError(`connection ${id} not found`)
    },

    async setCooldown(id, until) {
      const { rowCount } = await pool.query(
        `INSERT INTO ${s}.connection_health (connection_id, successes, failures, consecutive_failures,
           latency_sum_ms, latency_count, cooldown_until)
         SELECT id, 0, 0, 0, 0, 0, $2::timestamptz FROM ${s}.connections WHERE id = $1
         ON CONFLICT (connection_id) DO UPDATE SET cooldown_until = excluded.cooldown_until`,
        [id, until ? codec.date.write(until) : null],
      )
      if (rowCount === 0) throw new StoreError(`connection ${id} not found`)
    },

    async appendAudit(entry) {
      await pool.query(
        insertSql(s, connectionAuditTable),
        columnValues(connectionAuditTable, toAuditRow(entry, codec)),
      )
    },

    async listAudit(filter = {}) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT * FROM ${s}.connection_audit WHERE $1::text IS NULL OR connection_id = $1::text
         ORDER BY at DESC, id DESC LIMIT $2`,
        [filter.connectionId ?? null, filter.limit ?? DEFAULT_AUDIT_LIMIT],
      )
      return rows.map((row) => toAudit(row, codec))
    },
  }
}
