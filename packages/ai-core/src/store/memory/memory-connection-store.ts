import { StoreError } from '../../errors/errors.js'
import type { AuditEntry, ConnectionHealth, ConnectionRecord, ConnectionStore } from '../connection-store.js'
import { compareStrings } from '../kit/compare-strings.js'
import { DEFAULT_AUDIT_LIMIT } from '../kit/store-defaults.js'

/** Health counters plus what the running latency mean is computed from. */
interface HealthState {
  health: ConnectionHealth
  latencySumMs: number
  latencyCount: number
}

/** Rotation connections, their health and audit trail, in memory. */
export function createMemoryConnectionStore(): ConnectionStore {
  const connections = new Map<string, ConnectionRecord>()
  const health = new Map<string, HealthState>()
  const audit: AuditEntry[] = []

  function state(id: string): HealthState {
    if (!connections.has(id)) throw new StoreError(`connection ${id} not found`)
    let found = health.get(id)
    if (!found) {
      found = { health: zeroHealth(id), latencySumMs: 0, latencyCount: 0 }
      health.set(id, found)
    }
    return found
  }

  return {
    async listConnections(filter = {}) {
      return [...connections.values()]
        .filter((c) => filter.provider === undefined || c.provider === filter.provider)
        .sort((a, b) => b.priority - a.priority || compareStrings(a.id, b.id))
        .map((c) => structuredClone(c))
    },

    async getConnection(id) {
      const connection = connections.get(id)
      return connection && structuredClone(connection)
    },

    async upsertConnection(input) {
      const now = new Date()
      const record = {
        ...structuredClone(input),
        createdAt: connections.get(input.id)?.createdAt ?? now,
        updatedAt: now,
      }
      connections.set(record.id, record)
      return structuredClone(record)
    },

    async deleteConnection(id) {
      health.delete(id)
      return connections.delete(id)
    },

    async getHealth(id) {
      return structuredClone(health.get(id)?.health ?? zeroHealth(id))
    },

    async recordOutcome(id, { ok, latencyMs, error, at }) {
      const current = state(id)
      const { health: h } = current
      h.lastUsedAt = new Date(at)
      if (ok) {
        h.successes += 1
        h.consecutiveFailures = 0
        if (latencyMs !== undefined) {
          current.latencySumMs += latencyMs
          current.latencyCount += 1
          h.avgLatencyMs = current.latencySumMs / current.latencyCount
        }
      } else {
        h.failures += 1
        h.consecutiveFailures += 1
        h.lastError = error
        h.lastErrorAt = new Date(at)
      }
    },

    async setCooldown(id, until) {
      const { health: h } = state(id)
      if (until) h.cooldownUntil = new Date(until)
      else delete h.cooldownUntil
    },

    async appendAudit(entry) {
      audit.push(structuredClone(entry))
    },

    async listAudit(filter = {}) {
      return audit
        .filter((e) => filter.connectionId === undefined || e.connectionId === filter.connectionId)
        .reverse()
        .sort((a, b) => b.at.getTime() - a.at.getTime())
        .slice(0, filter.limit ?? DEFAULT_AUDIT_LIMIT)
        .map((e) => structuredClone(e))
    },
  }
}

function zeroHealth(connectionId: string): ConnectionHealth {
  return { connectionId, successes: 0, failures: 0, consecutiveFailures: 0 }
}
