import {
  type AuditEntry,
  type ConnectionHealth,
  type ConnectionRecord,
  type ConnectionStatus,
  type ConnectionStore,
  StoreError,
} from '@aimux/ai-core'
import { compactFields, DEFAULT_AUDIT_LIMIT } from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'

interface ConnectionRow {
  id: string
  provider: string
  name: string
  ciphertext: string
  priority: number
  weight: number
  limits: string | null
  status: ConnectionStatus
  disabled_reason: string | null
  metadata: string | null
  created_at: number
  updated_at: number
}

interface HealthRow {
  connection_id: string
  successes: number
  failures: number
  consecutive_failures: number
  last_used_at: number | null
  last_error: string | null
  last_error_at: number | null
  latency_sum_ms: number
  latency_count: number
  cooldown_until: number | null
}

interface AuditRow {
  at: number
  connection_id: string
  action: string
  actor: string | null
  request_id: string | null
  detail: string | null
}

/** Rotation connections, their health counters and audit trail in SQLite. */
export function createConnectionStore(db: Database): ConnectionStore {
  const selectConnections = db.prepare<{ provider: string | null }, ConnectionRow>(
    'SELECT * FROM connections WHERE @provider IS NULL OR provider = @provider ORDER BY priority DESC, id',
  )
  const selectConnection = db.prepare<[string], ConnectionRow>('SELECT * FROM connections WHERE id = ?')
  const upsertConnection = db.prepare<Record<string, unknown>, ConnectionRow>(
    `INSERT INTO connections (id, provider, name, ciphertext, priority, weight, limits, status, disabled_reason,
       metadata, created_at, updated_at)
     VALUES (@id, @provider, @name, @ciphertext, @priority, @weight, @limits, @status, @disabledReason,
       @metadata, @now, @now)
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
  const recordOutcome = db.prepare<Record<string, unknown>>(
    `INSERT INTO connection_health AS h (connection_id, successes, failures, consecutive_failures, last_used_at,
       last_error, last_error_at, latency_sum_ms, latency_count)
     SELECT id, @successes, @failures, @failures, @at, @error, @errorAt, @latencyMs, @latencyCount
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
  const setCooldown = db.prepare<{ id: string; until: number | null }>(
    `INSERT INTO connection_health (connection_id, successes, failures, consecutive_failures, latency_sum_ms,
       latency_count, cooldown_until)
     SELECT id, 0, 0, 0, 0, 0, @until FROM connections WHERE id = @id
     ON CONFLICT (connection_id) DO UPDATE SET cooldown_until = excluded.cooldown_until`,
  )
  const insertAudit = db.prepare<Record<string, unknown>>(
    `INSERT INTO connection_audit (at, connection_id, action, actor, request_id, detail)
     VALUES (@at, @connectionId, @action, @actor, @requestId, @detail)`,
  )
  const selectAudit = db.prepare<{ connectionId: string | null; limit: number }, AuditRow>(
    `SELECT * FROM connection_audit WHERE @connectionId IS NULL OR connection_id = @connectionId
     ORDER BY at DESC, id DESC LIMIT @limit`,
  )

  return {
    async listConnections(filter = {}) {
      return selectConnections.all({ provider: filter.provider ?? null }).map(toConnection)
    },

    async getConnection(id) {
      const row = selectConnection.get(id)
      return row && toConnection(row)
    },

    async upsertConnection(input) {
      const row = upsertConnection.get({
        id: input.id,
        provider: input.provider,
        name: input.name,
        ciphertext: input.ciphertext,
        priority: input.priority,
        weight: input.weight,
        limits: input.limits === undefined ? null : JSON.stringify(input.limits),
        status: input.status,
        disabledReason: input.disabledReason ?? null,
        metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
        now: Date.now(),
      })
      return toConnection(row!)
    },

    async deleteConnection(id) {
      return deleteConnection.run(id).changes > 0
    },

    async getHealth(id) {
      const row = selectHealth.get(id)
      return row ? toHealth(row) : { connectionId: id, successes: 0, failures: 0, consecutiveFailures: 0 }
    },

    async recordOutcome(id, { ok, latencyMs, error, at }) {
      const timed = ok && latencyMs !== undefined
      const { changes } = recordOutcome.run({
        id,
        successes: ok ? 1 : 0,
        failures: ok ? 0 : 1,
        at: at.getTime(),
        error: ok ? null : (error ?? null),
        errorAt: ok ? null : at.getTime(),
        latencyMs: timed ? latencyMs : 0,
        latencyCount: timed ? 1 : 0,
      })
      if (changes === 0) throw new StoreError(`connection ${id} not found`)
    },

    async setCooldown(id, until) {
      const { changes } = setCooldown.run({ id, until: until?.getTime() ?? null })
      if (changes === 0) throw new StoreError(`connection ${id} not found`)
    },

    async appendAudit(entry) {
      insertAudit.run({
        at: entry.at.getTime(),
        connectionId: entry.connectionId,
        action: entry.action,
        actor: entry.actor ?? null,
        requestId: entry.requestId ?? null,
        detail: entry.detail ?? null,
      })
    },

    async listAudit(filter = {}) {
      return selectAudit
        .all({ connectionId: filter.connectionId ?? null, limit: filter.limit ?? DEFAULT_AUDIT_LIMIT })
        .map(toAudit)
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
    ...compactFields({
      limits: row.limits === null ? null : JSON.parse(row.limits),
      disabledReason: row.disabled_reason,
      metadata: row.metadata === null ? null : JSON.parse(row.metadata),
    }),
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  }
}

function toHealth(row: HealthRow): ConnectionHealth {
  return {
    connectionId: row.connection_id,
    successes: row.successes,
    failures: row.failures,
    consecutiveFailures: row.consecutive_failures,
    ...compactFields({
      lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
      lastError: row.last_error,
      lastErrorAt: row.last_error_at === null ? null : new Date(row.last_error_at),
      avgLatencyMs: row.latency_count === 0 ? null : row.latency_sum_ms / row.latency_count,
      cooldownUntil: row.cooldown_until === null ? null : new Date(row.cooldown_until),
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
