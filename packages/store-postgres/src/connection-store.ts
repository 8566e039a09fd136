import {
  type AuditEntry,
  type ConnectionHealth,
  type ConnectionRecord,
  type ConnectionStatus,
  type ConnectionStore,
  StoreError,
} from '@aimux/ai-core'
import { compactFields, DEFAULT_AUDIT_LIMIT } from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'

interface ConnectionRow {
  id: string
  provider: string
  name: string
  ciphertext: string
  priority: number
  weight: number
  limits: ConnectionRecord['limits'] | null
  status: ConnectionStatus
  disabled_reason: string | null
  metadata: Record<string, unknown> | null
  created_at: Date
  updated_at: Date
}

interface HealthRow {
  connection_id: string
  successes: string
  failures: string
  consecutive_failures: string
  last_used_at: Date | null
  last_error: string | null
  last_error_at: Date | null
  latency_sum_ms: number
  latency_count: string
  cooldown_until: Date | null
}

interface AuditRow {
  at: Date
  connection_id: string
  action: string
  actor: string | null
  request_id: string | null
  detail: string | null
}

/** Rotation connections, their health counters and audit trail in PostgreSQL. */
export function createConnectionStore(pool: Pool, s: string): ConnectionStore {
  return {
    async listConnections(filter = {}) {
      const { rows } = await pool.query<ConnectionRow>(
        `SELECT * FROM ${s}.connections WHERE $1::text IS NULL OR provider = $1::text ORDER BY priority DESC, id`,
        [filter.provider ?? null],
      )
      return rows.map(toConnection)
    },

    async getConnection(id) {
      const { rows } = await pool.query<ConnectionRow>(`SELECT * FROM ${s}.connections WHERE id = $1`, [id])
      return rows[0] && toConnection(rows[0])
    },

    async upsertConnection(input) {
      const { rows } = await pool.query<ConnectionRow>(
        `INSERT INTO ${s}.connections (id, provider, name, ciphertext, priority, weight, limits, status,
           disabled_reason, metadata, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb, $11, $11)
         ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, name = excluded.name,
           ciphertext = excluded.ciphertext, priority = excluded.priority, weight = excluded.weight,
           limits = excluded.limits, status = excluded.status, disabled_reason = excluded.disabled_reason,
           metadata = excluded.metadata, updated_at = excluded.updated_at
         RETURNING *`,
        [
          input.id,
          input.provider,
          input.name,
          input.ciphertext,
          input.priority,
          input.weight,
          input.limits === undefined ? null : JSON.stringify(input.limits),
          input.status,
          input.disabledReason ?? null,
          input.metadata === undefined ? null : JSON.stringify(input.metadata),
          new Date(),
        ],
      )
      return toConnection(rows[0]!)
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
      return rows[0]
        ? toHealth(rows[0])
        : { connectionId: id, successes: 0, failures: 0, consecutiveFailures: 0 }
    },

    async recordOutcome(id, { ok, latencyMs, error, at }) {
      const timed = ok && latencyMs !== undefined
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
          ok ? 1 : 0,
          ok ? 0 : 1,
          at,
          ok ? null : (error ?? null),
          ok ? null : at,
          timed ? latencyMs : 0,
          timed ? 1 : 0,
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
        [id, until ?? null],
      )
      if (rowCount === 0) throw new StoreError(`connection ${id} not found`)
    },

    async appendAudit(entry) {
      await pool.query(
        `INSERT INTO ${s}.connection_audit (at, connection_id, action, actor, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          entry.at,
          entry.connectionId,
          entry.action,
          entry.actor ?? null,
          entry.requestId ?? null,
          entry.detail ?? null,
        ],
      )
    },

    async listAudit(filter = {}) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT * FROM ${s}.connection_audit WHERE $1::text IS NULL OR connection_id = $1::text
         ORDER BY at DESC, id DESC LIMIT $2`,
        [filter.connectionId ?? null, filter.limit ?? DEFAULT_AUDIT_LIMIT],
      )
      return rows.map(toAudit)
    },
  }
}

function toConnection(row: ConnectionRow): ConnectionRecord {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    ciphertext: row.ciphertext,
    priority: row.priority,
    weight: row.weight,
    ...compactFields({ limits: row.limits, disabledReason: row.disabled_reason, metadata: row.metadata }),
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  }
}

function toHealth(row: HealthRow): ConnectionHealth {
  const latencyCount = Number(row.latency_count)
  return {
    connectionId: row.connection_id,
    successes: Number(row.successes),
    failures: Number(row.failures),
    consecutiveFailures: Number(row.consecutive_failures),
    ...compactFields({
      lastUsedAt: row.last_used_at && new Date(row.last_used_at),
      lastError: row.last_error,
      lastErrorAt: row.last_error_at && new Date(row.last_error_at),
      avgLatencyMs: latencyCount === 0 ? null : row.latency_sum_ms / latencyCount,
      cooldownUntil: row.cooldown_until && new Date(row.cooldown_until),
    }),
  }
}

function toAudit(row: AuditRow): AuditEntry {
  return {
    at: new Date(row.at),
    connectionId: row.connection_id,
    action: row.action,
    ...compactFields({ actor: row.actor, requestId: row.request_id, detail: row.detail }),
  }
}
