import type { ConnectionsApi } from './connections-api.js'

/** A call was handed a connection's credentials. */
export interface ConnectionSelectedEvent {
  requestId: string
  provider: string
  model: string
  connectionId: string
  name: string
  /** The core's attempt number (retries raise it). */
  attempt: number
  /** True when an earlier connection of the same attempt was rate-limited or refused. */
  failover: boolean
}

/** A connection was rate-limited (or out of quota) and is skipped until `until`. */
export interface ConnectionCooldownEvent {
  requestId: string
  provider: string
  connectionId: string
  name: string
  until: Date
  /** How long: the provider's Retry-After when it sent one, else the backoff. */
  cooldownMs: number
  reason: 'rate-limit' | 'quota'
}

/** A connection's credentials were refused (401): it is skipped until enabled again. */
export interface ConnectionDisabledEvent {
  requestId: string
  provider: string
  connectionId: string
  name: string
  /** The provider's answer, with the key masked. */
  reason: string
}

declare module '@aimux/ai-core' {
  interface AimuxEvents {
    'connection:selected': ConnectionSelectedEvent
    'connection:cooldown': ConnectionCooldownEvent
    'connection:disabled': ConnectionDisabledEvent
  }
  interface AI {
    /** Added by the rotation plugin: manage connections, read their health and audit log. */
    connections: ConnectionsApi
  }
}
