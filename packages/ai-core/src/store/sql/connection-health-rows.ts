import { compactFields } from '../../spec/compact-fields.js'
import type { ConnectionHealth, ConnectionStore } from '../connection-store.js'
import type { SqlCodec, SqlDate, SqlInt64 } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `connection_health`: running counters of one connection's outcomes. */
export interface HealthRow {
  connection_id: string
  successes: SqlInt64
  failures: SqlInt64
  consecutive_failures: SqlInt64
  last_used_at: SqlDate | null
  last_error: string | null
  last_error_at: SqlDate | null
  latency_sum_ms: number
  latency_count: SqlInt64
  cooldown_until: SqlDate | null
}

export const connectionHealthTable: SqlTable<HealthRow> = {
  name: 'connection_health',
  columns: {
    connection_id: 'text',
    successes: 'int64',
    failures: 'int64',
    consecutive_failures: 'int64',
    last_used_at: 'timestamp',
    last_error: 'text',
    last_error_at: 'timestamp',
    latency_sum_ms: 'real',
    latency_count: 'int64',
    cooldown_until: 'timestamp',
  },
}

/** The health of a connection that has no row yet: nothing counted. */
export function emptyHealth(connectionId: string): ConnectionHealth {
  return { connectionId, successes: 0, failures: 0, consecutiveFailures: 0 }
}

export function toHealth(row: HealthRow, codec: SqlCodec): ConnectionHealth {
  const latencyCount = codec.int64.read(row.latency_count)
  const date = (stored: SqlDate | null) => (stored === null ? null : codec.date.read(stored))
  return {
    connectionId: row.connection_id,
    successes: codec.int64.read(row.successes),
    failures: codec.int64.read(row.failures),
    consecutiveFailures: codec.int64.read(row.consecutive_failures),
    ...compactFields({
      lastUsedAt: date(row.last_used_at),
      lastError: row.last_error,
      lastErrorAt: date(row.last_error_at),
      avgLatencyMs: latencyCount === 0 ? null : row.latency_sum_ms / latencyCount,
      cooldownUntil: date(row.cooldown_until),
    }),
  }
}

/**
 * One call's outcome as the amounts a store adds to the connection's counters: a success counts
 * its latency when it has one, a failure records its error and time.
 */
export type OutcomeDelta = Omit<HealthRow, 'connection_id' | 'consecutive_failures' | 'cooldown_until'>

export function outcomeDelta(
  { ok, latencyMs, error, at }: Parameters<ConnectionStore['recordOutcome']>[1],
  codec: SqlCodec,
): OutcomeDelta {
  const timed = ok && latencyMs !== undefined
  return {
    successes: codec.int64.write(ok ? 1 : 0),
    failures: codec.int64.write(ok ? 0 : 1),
    last_used_at: codec.date.write(at),
    last_error: ok ? null : (error ?? null),
    last_error_at: ok ? null : codec.date.write(at),
    latency_sum_ms: timed ? latencyMs : 0,
    latency_count: codec.int64.write(timed ? 1 : 0),
  }
}
