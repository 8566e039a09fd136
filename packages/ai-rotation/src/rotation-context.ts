import { type AI, type AuditEntry, ConfigError, type ConnectionStore, type PluginHost } from '@aimux/ai-core'
import { type BackgroundWork, createBackgroundWork } from '@aimux/ai-core/provider-kit'
import { configFingerprint, isConfigured } from './config-fingerprint.js'
import type { ConnectionConfig } from './connection-config.js'
import { createLimitCounters, type LimitCounters } from './connection-limits.js'
import { type ConnectionState, createConnectionState } from './connection-state.js'
import type { CredentialCipher } from './credential-cipher.js'
import { SecretCredentials } from './secret-credentials.js'

/** The plugin's settings, once validated. */
export interface RotationSettings {
  refreshMs: number
  cooldown: { baseMs: number; maxMs: number }
  quotaCooldownMs: number
  auditCalls: boolean
  actor: string
  now: () => number
  random: () => number
}

/** Everything the middleware and `ai.connections` share, made when the instance is ready. */
export interface RotationContext {
  ai: AI
  store: ConnectionStore
  cipher: CredentialCipher | undefined
  /** The connections given in the plugin options, by id. */
  configured: ReadonlyMap<string, ConnectionConfig>
  state: ConnectionState
  limits: LimitCounters
  /** Rate limits in a row without a Retry-After, per connection: they lengthen the backoff. */
  strikes: Map<string, number>
  /**
   * The store writes calls make (outcomes, cooldowns, disables, audit entries): a failed write is
   * reported, never thrown at the call, and every write started can be waited for, so a reload
   * from the store sees this instance's own changes and close() loses none.
   */
  writes: BackgroundWork
  settings: RotationSettings
  emit: PluginHost['emit']
  /** Appends an audit entry dated now, by the plugin's actor unless another is given. */
  audit(entry: Omit<AuditEntry, 'at' | 'actor'> & { actor?: string | undefined }): Promise<void>
}

/**
 * Writes the configured connections to the store (without their secrets), then loads every
 * connection, decrypting the stored ones: a wrong master key fails the start, naming the connection.
 */
export async function startRotation(input: {
  ai: AI
  emit: PluginHost['emit']
  connections: readonly ConnectionConfig[]
  cipher: CredentialCipher | undefined
  settings: RotationSettings
}): Promise<RotationContext> {
  const { ai, emit, cipher, settings } = input
  const store = ai.store.connections
  for (const connection of input.connections) checkProvider(ai, connection)
  for (const connection of input.connections) await writeConfigured(store, connection)

  const writes = createBackgroundWork(
    (label, error) => emit('background:error', { source: `rotation: ${label}`, error }),
    { start: 'now' },
  )
  const audit: RotationContext['audit'] = ({ actor, ...entry }) =>
    store.appendAudit({ ...entry, at: new Date(settings.now()), actor: actor ?? settings.actor })
  const limits = createLimitCounters()
  const strikes = new Map<string, number>()
  const state = createConnectionState({
    store,
    cipher,
    configured: new Map(
      input.connections.map((c) => [
        c.id,
        { credentials: new SecretCredentials(c.credentials), sealedAs: configFingerprint(c) },
      ]),
    ),
    refreshMs: settings.refreshMs,
    writes,
    onDecrypt: (connectionId) => audit({ connectionId, action: 'decrypt' }),
    retain: (ids) => {
      limits.retain(ids)
      for (const id of strikes.keys()) if (!ids.has(id)) strikes.delete(id)
    },
    report: (error) => emit('background:error', { source: 'rotation: loading connections', error }),
  })
  await state.reload(true)
  return {
    ai,
    store,
    cipher,
    configured: new Map(input.connections.map((c) => [c.id, c])),
    state,
    limits,
    strikes,
    writes,
    settings,
    emit,
    audit,
  }
}

/** A ConfigError unless the connection's provider is registered on the instance. */
export function checkProvider(ai: AI, connection: { id: string; provider: string }): void {
  const registered = ai.providers.list()
  if (registered.includes(connection.provider)) return
  throw new ConfigError(
    `Connection '${connection.id}': provider '${connection.provider}' is not registered ` +
      `(registered: ${registered.join(', ') || 'none'}).`,
  )
}

/**
 * A configured connection is stored with its fingerprint in place of a ciphertext: its secret
 * stays in this process.
 * Its settings come from the options; its status too when they give one, else it keeps the stored
 * one (a key disabled on a 401 stays disabled across restarts until it is enabled).
 */
async function writeConfigured(store: ConnectionStore, connection: ConnectionConfig) {
  const stored = await store.getConnection(connection.id)
  if (stored && !isConfigured(stored.ciphertext)) {
    throw new ConfigError(
      `Connection '${connection.id}' is given in the rotation() options and is also stored with ` +
        `encrypted credentials: rename one, or remove the stored one with ai.connections.remove('${connection.id}').`,
    )
  }
  const status = connection.status ?? stored?.status ?? 'active'
  const disabledReason =
    status !== 'disabled'
      ? undefined
      : connection.status === 'disabled'
        ? (connection.disabledReason ?? 'disabled in the rotation() options')
        : stored?.disabledReason
  await store.upsertConnection({
    id: connection.id,
    provider: connection.provider,
    name: connection.name ?? connection.id,
    ciphertext: configFingerprint(connection),
    priority: connection.priority,
    weight: connection.weight,
    status,
    ...(connection.limits ? { limits: connection.limits } : {}),
    ...(disabledReason ? { disabledReason } : {}),
    ...(connection.metadata ? { metadata: connection.metadata } : {}),
  })
}
