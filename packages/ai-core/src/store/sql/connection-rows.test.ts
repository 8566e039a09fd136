import { describe, expect, it } from 'vitest'
import { toAudit, toAuditRow } from './connection-audit-rows.js'
import { emptyHealth, type HealthRow, outcomeDelta, toHealth } from './connection-health-rows.js'
import { toConnection, toConnectionRow } from './connection-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'

const at = new Date('2026-11-22T12:00:00.000Z')

describe('connection rows', () => {
  it('writes limits and metadata as JSON and reads them back, leaving absent ones out', () => {
    const input = {
      id: 'k1',
      provider: 'openai',
      name: 'main',
      ciphertext: 'v1:abc',
      priority: 1,
      weight: 2,
      limits: { requestsPerMinute: 60 },
      status: 'active' as const,
    }
    const row = toConnectionRow(input, at, sqliteCodec)
    expect(row).toMatchObject({
      limits: '{"requestsPerMinute":60}',
      metadata: null,
      created_at: at.getTime(),
    })
    expect(toConnection(row, sqliteCodec)).toEqual({ ...input, createdAt: at, updatedAt: at })
  })

  it('counts a timed success, an untimed success and a failure', () => {
    expect(outcomeDelta({ ok: true, latencyMs: 40, at }, sqliteCodec)).toEqual({
      successes: 1,
      failures: 0,
      last_used_at: at.getTime(),
      last_error: null,
      last_error_at: null,
      latency_sum_ms: 40,
      latency_count: 1,
    })
    expect(outcomeDelta({ ok: true, at }, postgresCodec)).toMatchObject({
      latency_sum_ms: 0,
      latency_count: 0,
    })
    expect(outcomeDelta({ ok: false, latencyMs: 40, error: 'boom', at }, postgresCodec)).toEqual({
      successes: 0,
      failures: 1,
      last_used_at: at,
      last_error: 'boom',
      last_error_at: at,
      latency_sum_ms: 0,
      latency_count: 0,
    })
  })

  it('reads pg health counters (bigint as text) with their average latency', () => {
    const row: HealthRow = {
      connection_id: 'k1',
      successes: '3',
      failures: '1',
      consecutive_failures: '0',
      last_used_at: at,
      last_error: null,
      last_error_at: null,
      latency_sum_ms: 90,
      latency_count: '3',
      cooldown_until: null,
    }
    expect(toHealth(row, postgresCodec)).toEqual({
      connectionId: 'k1',
      successes: 3,
      failures: 1,
      consecutiveFailures: 0,
      lastUsedAt: at,
      avgLatencyMs: 30,
    })
    expect(toHealth({ ...row, latency_count: '0' }, postgresCodec)).not.toHaveProperty('avgLatencyMs')
    expect(emptyHealth('k2')).toEqual({
      connectionId: 'k2',
      successes: 0,
      failures: 0,
      consecutiveFailures: 0,
    })
  })

  it('writes an audit entry and reads it back', () => {
    const entry = { at, connectionId: 'k1', action: 'rotate', actor: 'cli' }
    const row = toAuditRow(entry, sqliteCodec)
    expect(row).toEqual({
      at: at.getTime(),
      connection_id: 'k1',
      action: 'rotate',
      actor: 'cli',
      request_id: null,
      detail: null,
    })
    expect(toAudit(row, sqliteCodec)).toEqual(entry)
  })
})
