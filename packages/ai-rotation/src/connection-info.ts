import type { ConnectionHealth, ConnectionRecord, ConnectionStatus } from '@aimux/ai-core'
import type { ConnectionInput } from './connection-config.js'
import type { ConnectionEntry } from './connection-state.js'

/** A connection as `ai.connections` shows it: everything but its credentials. */
export interface ConnectionInfo extends Omit<ConnectionRecord, 'ciphertext'> {
  /** 'config' when given in the plugin options (its secret is never stored), 'store' when added. */
  source: 'config' | 'store'
  /** The master key version of a stored connection's ciphertext. */
  keyVersion?: string
  /**
   * False when this instance cannot use it: its credentials do not decrypt here (see `problem`),
   * or it is configured in another instance's options.
   */
  usable: boolean
  problem?: string
}

export interface ConnectionHealthReport extends ConnectionHealth {
  provider: string
  name: string
  status: ConnectionStatus
  disabledReason?: string
  /** True while `cooldownUntil` is ahead. */
  coolingDown: boolean
}

export type ConnectionTestResult =
  | { ok: true; latencyMs: number }
  | { ok: false; latencyMs: number; error: { code: string; message: string; status?: number } }

/** Who made a change, for the audit log; default: the plugin's `actor`. */
export interface ActorOption {
  actor?: string
}

/** A new stored connection; without an id, one is generated. */
export type NewConnection = Omit<ConnectionInput, 'id'> & { id?: string }

/** What `ai.connections` shows of an entry: a copy, without its credentials or health. */
export function toInfo(entry: ConnectionEntry): ConnectionInfo {
  const { credentials, problem, health: _health, sealedAs: _sealedAs, ...fields } = entry
  return {
    ...structuredClone(fields),
    usable: credentials !== undefined,
    ...(problem ? { problem: problem.message } : {}),
  }
}
