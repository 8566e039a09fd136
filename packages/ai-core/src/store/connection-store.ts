// The connection port: stored credential sets for rotation, their health and audit trail.

export type ConnectionStatus = 'active' | 'retiring' | 'disabled'

/** A stored credential set for the rotation plugin. Credentials are never stored in the clear. */
export interface ConnectionRecord {
  id: string
  provider: string
  name: string
  /**
   * The encrypted credentials, as the rotation plugin wrote them (key version included); for a
   * connection given in the plugin's options, whose secret stays in the process, a fingerprint
   * of it instead (`config:` and a SHA-256), never the secret itself.
   */
  ciphertext: string
  priority: number
  weight: number
  limits?: { requestsPerMinute?: number; requestsPerDay?: number; tokensPerMinute?: number }
  status: ConnectionStatus
  disabledReason?: string
  metadata?: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface ConnectionHealth {
  connectionId: string
  successes: number
  failures: number
  consecutiveFailures: number
  lastUsedAt?: Date
  lastError?: string
  lastErrorAt?: Date
  /** Running mean over successful calls. */
  avgLatencyMs?: number
  cooldownUntil?: Date
}

export interface AuditEntry {
  at: Date
  connectionId: string
  action: string
  actor?: string
  requestId?: string
  detail?: string
}

export interface ConnectionStore {
  listConnections(filter?: { provider?: string }): Promise<ConnectionRecord[]>
  getConnection(id: string): Promise<ConnectionRecord | undefined>
  upsertConnection(record: Omit<ConnectionRecord, 'createdAt' | 'updatedAt'>): Promise<ConnectionRecord>
  deleteConnection(id: string): Promise<boolean>
  getHealth(id: string): Promise<ConnectionHealth>
  /** Atomically counts one call's outcome. Unknown connection: StoreError. */
  recordOutcome(
    id: string,
    outcome: { ok: boolean; latencyMs?: number; error?: string; at: Date },
  ): Promise<void>
  /** Unknown connection: StoreError. */
  setCooldown(id: string, until: Date | undefined): Promise<void>
  appendAudit(entry: AuditEntry): Promise<void>
  listAudit(filter?: { connectionId?: string; limit?: number }): Promise<AuditEntry[]>
}
