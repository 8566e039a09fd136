import { randomUUID } from 'node:crypto'
import { type AuditEntry, ConfigError, type ConnectionStatus, toAimuxError } from '@aimux/ai-core'
import { redactSecrets, validate } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'
import { isConfigured } from './config-fingerprint.js'
import {
  type ConnectionCredentials,
  type ConnectionPatch,
  connectionIdSchema,
  connectionPatchSchema,
  connectionSchema,
} from './connection-config.js'
import {
  type ActorOption,
  type ConnectionHealthReport,
  type ConnectionInfo,
  type ConnectionTestResult,
  type NewConnection,
  toInfo,
} from './connection-info.js'
import type { ConnectionEntry } from './connection-state.js'
import { type CredentialCipher, versionOf } from './credential-cipher.js'
import { MASTER_KEY_ENV } from './master-keys.js'
import { patchConnection } from './patch-connection.js'
import { checkProvider, type RotationContext } from './rotation-context.js'

/** `ai.connections`: the connections, their health and audit log. Nothing it returns holds a secret. */
export interface ConnectionsApi {
  /** Stores a connection, its credentials encrypted with the current master key. */
  add(connection: NewConnection, options?: ActorOption): Promise<ConnectionInfo>
  list(filter?: { provider?: string }): Promise<ConnectionInfo[]>
  get(id: string): Promise<ConnectionInfo | undefined>
  /** Changes a stored connection's settings or credentials; configured ones change in the options. */
  update(id: string, patch: ConnectionPatch, options?: ActorOption): Promise<ConnectionInfo>
  /** Keeps the connection only for when no active one can serve a call. */
  retire(id: string, options?: ActorOption): Promise<ConnectionInfo>
  disable(id: string, reason?: string, options?: ActorOption): Promise<ConnectionInfo>
  /** Makes a retiring or disabled connection active again. */
  enable(id: string, options?: ActorOption): Promise<ConnectionInfo>
  /**
   * Deletes a stored connection with its health; false when there was none. A connection given in
   * code is refused unless `force` (once no instance's options list it any more).
   */
  remove(id: string, options?: ActorOption & { force?: boolean }): Promise<boolean>
  /** Every connection's counters, last error, latency, status and cooldown, read from the store. */
  health(filter?: { provider?: string }): Promise<ConnectionHealthReport[]>
  /** Asks the provider whether the connection's credentials work; changes nothing but the audit log. */
  test(id: string, options?: ActorOption): Promise<ConnectionTestResult>
  /** Audit entries, newest first. */
  audit(query?: { connectionId?: string; limit?: number }): Promise<AuditEntry[]>
  /**
   * Re-encrypts every stored connection not yet under the current (highest) master key version.
   * Every ciphertext is decrypted first: if one fails, nothing is written.
   */
  rotateMasterKey(options?: ActorOption): Promise<{ version: string; reencrypted: number }>
  /** Reloads connections, health and cooldowns from the store now, instead of within `refreshMs`. */
  refresh(): Promise<void>
}

const newConnectionSchema = connectionSchema.extend({ id: connectionIdSchema.optional() })
const providerFilterSchema = z.strictObject({ provider: z.string().optional() })
const auditQuerySchema = z.strictObject({
  connectionId: z.string().optional(),
  limit: z.number().int().positive().optional(),
})

export function createConnectionsApi(context: () => RotationContext | undefined): ConnectionsApi {
  const ready = (): RotationContext => {
    const rotation = context()
    if (!rotation) throw new ConfigError('ai.connections is not ready: createAI() has not finished.')
    return rotation
  }

  const infoOf = async (rotation: RotationContext, id: string): Promise<ConnectionInfo> => {
    await rotation.state.reload()
    return toInfo(entryOf(rotation, id))
  }

  const setStatus = async (
    id: string,
    status: ConnectionStatus,
    action: string,
    reason: string | undefined,
    options: ActorOption,
  ) => {
    const rotation = ready()
    const record = await patchConnection(rotation.store, id, {
      status,
      ...(reason === undefined ? {} : { disabledReason: reason }),
    })
    if (!record) throw unknownConnection(id)
    await rotation.audit({
      connectionId: id,
      action,
      actor: options.actor,
      ...(reason ? { detail: reason } : {}),
    })
    return infoOf(rotation, id)
  }

  return {
    async add(input, options = {}) {
      const rotation = ready()
      const connection = validate(newConnectionSchema, input, 'connection')
      const cipher = cipherOf(rotation, 'ai.connections.add()')
      const id = connection.id ?? randomUUID()
      checkProvider(rotation.ai, { id, provider: connection.provider })
      if (await rotation.store.getConnection(id))
        throw new ConfigError(`Connection '${id}' already exists; change it with ai.connections.update().`)
      const status = connection.status ?? 'active'
      await rotation.store.upsertConnection({
        id,
        provider: connection.provider,
        name: connection.name ?? id,
        ciphertext: cipher.encrypt(connection.credentials, { id, provider: connection.provider }),
        priority: connection.priority,
        weight: connection.weight,
        status,
        ...(connection.limits ? { limits: connection.limits } : {}),
        ...(status === 'disabled' ? { disabledReason: connection.disabledReason ?? 'added disabled' } : {}),
        ...(connection.metadata ? { metadata: connection.metadata } : {}),
      })
      await rotation.audit({ connectionId: id, action: 'add', actor: options.actor })
      return infoOf(rotation, id)
    },

    async list(filter = {}) {
      const { provider } = validate(providerFilterSchema, filter, 'connection filter')
      const rotation = ready()
      await rotation.state.reload()
      return rotation.state
        .all()
        .filter((entry) => provider === undefined || entry.provider === provider)
        .map(toInfo)
    },

    async get(id) {
      const rotation = ready()
      await rotation.state.reload()
      const entry = rotation.state.get(id)
      return entry && toInfo(entry)
    },

    async update(id, input, options = {}) {
      const rotation = ready()
      const { credentials, limits, ...settings } = validate(connectionPatchSchema, input, 'connection update')
      const record = await rotation.store.getConnection(id)
      if (!record) throw unknownConnection(id)
      if (isConfigured(record.ciphertext))
        throw new ConfigError(`Connection '${id}' is given in the rotation() options: change it there.`)
      const patch = {
        ...settings,
        ...(limits === undefined ? {} : { limits: limits ?? undefined }),
        ...(credentials
          ? { ciphertext: cipherOf(rotation, 'Changing credentials').encrypt(credentials, record) }
          : {}),
      }
      await patchConnection(rotation.store, id, patch)
      await rotation.audit({
        connectionId: id,
        action: 'update',
        actor: options.actor,
        detail: Object.keys(input).sort().join(', '),
      })
      return infoOf(rotation, id)
    },

    retire: (id, options = {}) => setStatus(id, 'retiring', 'retire', undefined, options),
    disable: (id, reason = 'disabled by hand', options = {}) =>
      setStatus(id, 'disabled', 'disable', reason, options),
    enable: (id, options = {}) => setStatus(id, 'active', 'enable', undefined, options),

    async remove(id, options = {}) {
      const rotation = ready()
      const record = await rotation.store.getConnection(id)
      if (record && isConfigured(record.ciphertext) && (rotation.configured.has(id) || !options.force)) {
        throw new ConfigError(
          `Connection '${id}' is given in the rotation() options of ${rotation.configured.has(id) ? 'this' : 'another'} ` +
            'instance: take it out of them and restart every instance, then remove it with { force: true }.',
        )
      }
      const removed = await rotation.store.deleteConnection(id)
      if (removed) {
        await rotation.audit({ connectionId: id, action: 'remove', actor: options.actor })
        await rotation.state.reload()
      }
      return removed
    },

    async health(filter = {}) {
      const { provider } = validate(providerFilterSchema, filter, 'connection filter')
      const rotation = ready()
      await rotation.state.reload()
      const now = rotation.settings.now()
      return rotation.state
        .all()
        .filter((entry) => provider === undefined || entry.provider === provider)
        .map((entry) => ({
          ...structuredClone(entry.health),
          provider: entry.provider,
          name: entry.name,
          status: entry.status,
          ...(entry.disabledReason ? { disabledReason: entry.disabledReason } : {}),
          coolingDown: (entry.health.cooldownUntil?.getTime() ?? 0) > now,
        }))
    },

    async test(id, options = {}) {
      const rotation = ready()
      await rotation.state.reload()
      const entry = entryOf(rotation, id)
      const credentials = entry.credentials
      if (!credentials) {
        throw (
          entry.problem ??
          new ConfigError(
            `Connection '${id}' is given in another instance's options; its credentials are not here.`,
          )
        )
      }
      const started = performance.now()
      let result: ConnectionTestResult
      try {
        await rotation.ai.providers.validate(entry.provider, { ...credentials.reveal(), connectionId: id })
        result = { ok: true, latencyMs: performance.now() - started }
      } catch (thrown) {
        const error = toAimuxError(thrown, { provider: entry.provider })
        result = {
          ok: false,
          latencyMs: performance.now() - started,
          error: {
            code: error.code,
            message: redactSecrets(error.message, credentials.secrets()),
            ...(error.status === undefined ? {} : { status: error.status }),
          },
        }
      }
      await rotation.audit({
        connectionId: id,
        action: 'test',
        actor: options.actor,
        detail: result.ok ? 'ok' : result.error.code,
      })
      return result
    },

    async audit(query = {}) {
      const filter = validate(auditQuerySchema, query, 'audit query')
      const rotation = ready()
      await rotation.writes.flush()
      return rotation.store.listAudit(filter)
    },

    async rotateMasterKey(options = {}) {
      const rotation = ready()
      const cipher = cipherOf(rotation, 'Rotating the master key')
      const stale = (await rotation.store.listConnections()).filter(
        (record) => !isConfigured(record.ciphertext) && versionOf(record.ciphertext) !== cipher.version,
      )
      // Decrypt all before writing any: a connection under a key that is not configured stops it
      // here. Each decryption is audited, those before a failure too.
      const opened: { record: (typeof stale)[number]; credentials: ConnectionCredentials }[] = []
      try {
        for (const record of stale)
          opened.push({ record, credentials: cipher.decrypt(record.ciphertext, record) })
      } finally {
        for (const { record } of opened)
          await rotation.audit({ connectionId: record.id, action: 'decrypt', actor: options.actor })
      }
      let reencrypted = 0
      for (const { record, credentials } of opened) {
        const current = await rotation.store.getConnection(record.id)
        // Changed or removed meanwhile, by another instance: whatever it wrote stays.
        if (current?.ciphertext !== record.ciphertext) continue
        await patchConnection(rotation.store, record.id, { ciphertext: cipher.encrypt(credentials, record) })
        await rotation.audit({
          connectionId: record.id,
          action: 'rotate-master-key',
          actor: options.actor,
          detail: `${versionOf(record.ciphertext)} -> ${cipher.version}`,
        })
        reencrypted++
      }
      await rotation.state.reload()
      return { version: cipher.version, reencrypted }
    },

    async refresh() {
      await ready().state.reload()
    },
  }
}

function entryOf(rotation: RotationContext, id: string): ConnectionEntry {
  const entry = rotation.state.get(id)
  if (!entry) throw unknownConnection(id)
  return entry
}

function unknownConnection(id: string): ConfigError {
  return new ConfigError(`Unknown connection '${id}'.`)
}

function cipherOf(rotation: RotationContext, what: string): CredentialCipher {
  if (rotation.cipher) return rotation.cipher
  throw new ConfigError(
    `${what} needs a master key to encrypt credentials: set ${MASTER_KEY_ENV} or pass masterKey to rotation().`,
  )
}
