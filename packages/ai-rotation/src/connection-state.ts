import {
  type AimuxError,
  ConfigError,
  type ConnectionHealth,
  type ConnectionRecord,
  type ConnectionStore,
  toAimuxError,
} from '@aimux/ai-core'
import type { BackgroundWork } from '@aimux/ai-core/provider-kit'
import { isConfigured } from './config-fingerprint.js'
import { type CredentialCipher, versionOf } from './credential-cipher.js'
import { MASTER_KEY_ENV } from './master-keys.js'
import { SecretCredentials } from './secret-credentials.js'

/** A connection as this instance knows it: its record (no ciphertext), health and credentials. */
export interface ConnectionEntry extends Omit<ConnectionRecord, 'ciphertext'> {
  /** 'config' when given in the plugin options (its secret is never stored), 'store' when added. */
  source: 'config' | 'store'
  /** The master key version of a stored connection's ciphertext. */
  keyVersion?: string
  /**
   * What its credentials came from: the stored ciphertext, or for a connection given in this
   * instance's options, the fingerprint of its key (else the stored one). A 401 disables the
   * connection only while the store still holds this.
   */
  sealedAs: string
  /** Present when this instance can use the connection. */
  credentials?: SecretCredentials
  /** Why a stored connection cannot be used: its credentials failed to decrypt. */
  problem?: AimuxError
  health: ConnectionHealth
}

/** What a call may change at once, ahead of the store write that shares it. */
export type EntryChange = Partial<Pick<ConnectionEntry, 'status' | 'disabledReason'>> & {
  cooldownUntil?: Date
}

/**
 * The instance's view of the store's connections, reloaded when older than `refreshMs`: that is
 * how cooldowns, disables and new connections written by other instances reach this one.
 */
export interface ConnectionState {
  /** Reloads when the view is older than `refreshMs`; a failed reload keeps the old view and is reported. */
  fresh(): Promise<void>
  /**
   * Reloads now, after any reload in flight. `strict` (at start-up) throws when a stored
   * connection cannot be decrypted.
   */
  reload(strict?: boolean): Promise<void>
  /**
   * The connections this instance chooses from for a provider; empty when it has none (another
   * instance's config connections do not count: their secrets are not here).
   */
  forProvider(provider: string): ConnectionEntry[]
  get(id: string): ConnectionEntry | undefined
  all(): ConnectionEntry[]
  change(id: string, change: EntryChange): void
}

export interface ConnectionStateOptions {
  store: ConnectionStore
  cipher: CredentialCipher | undefined
  /** The connections given in the plugin options, by id: their credentials and fingerprint. */
  configured: ReadonlyMap<string, { credentials: SecretCredentials; sealedAs: string }>
  refreshMs: number
  writes: BackgroundWork
  /** Called once each time a stored ciphertext is decrypted (for the audit log). */
  onDecrypt(connectionId: string): Promise<void>
  /** Called after each load with the ids loaded: whatever is kept per connection for others can go. */
  retain(ids: ReadonlySet<string>): void
  report(error: unknown): void
}

export function createConnectionState(options: ConnectionStateOptions): ConnectionState {
  const { store, cipher, configured, refreshMs, writes } = options
  let entries = new Map<string, ConnectionEntry>()
  let loadedAt = Number.NEGATIVE_INFINITY
  let loading: Promise<void> | undefined
  // Changes made while a reload reads the store, applied again over what it read.
  const changedDuringLoad = new Map<string, EntryChange>()
  const opened = new Map<string, { sealed: string; credentials: SecretCredentials }>()
  // The ciphertexts whose failure to decrypt was reported already.
  const reported = new Set<string>()

  async function open(id: string, provider: string, ciphertext: string): Promise<SecretCredentials> {
    // The provider is authenticated with the ciphertext: a changed one is decrypted (and refused) again.
    const sealed = `${provider}:${ciphertext}`
    const known = opened.get(id)
    if (known?.sealed === sealed) return known.credentials
    if (!cipher) {
      throw new ConfigError(
        `Connection '${id}' is stored encrypted, but no master key is configured: set ${MASTER_KEY_ENV} ` +
          'or pass masterKey to rotation().',
      )
    }
    const credentials = new SecretCredentials(cipher.decrypt(ciphertext, { id, provider }))
    opened.set(id, { sealed, credentials })
    await options.onDecrypt(id)
    return credentials
  }

  async function load(strict: boolean) {
    changedDuringLoad.clear()
    await writes.flush()
    const records = await store.listConnections()
    const health = await Promise.all(records.map((record) => store.getHealth(record.id)))
    const next = new Map<string, ConnectionEntry>()
    for (const [index, { ciphertext, ...record }] of records.entries()) {
      const entry: ConnectionEntry = {
        ...record,
        source: isConfigured(ciphertext) ? 'config' : 'store',
        sealedAs: ciphertext,
        health: health[index]!,
      }
      if (entry.source === 'config') {
        const own = configured.get(record.id)
        if (own) Object.assign(entry, own)
      } else {
        const version = versionOf(ciphertext)
        if (version) entry.keyVersion = version
        try {
          entry.credentials = await open(record.id, record.provider, ciphertext)
        } catch (error) {
          if (strict) throw error
          entry.problem = toAimuxError(error, {})
          if (!reported.has(ciphertext)) options.report(error)
          reported.add(ciphertext)
        }
      }
      next.set(entry.id, entry)
    }
    for (const [id, change] of changedDuringLoad) {
      const entry = next.get(id)
      if (entry) apply(entry, change)
    }
    for (const id of opened.keys()) if (!next.has(id)) opened.delete(id)
    const ciphertexts = new Set(records.map((record) => record.ciphertext))
    for (const ciphertext of reported) if (!ciphertexts.has(ciphertext)) reported.delete(ciphertext)
    options.retain(new Set(next.keys()))
    entries = next
    loadedAt = performance.now()
  }

  // A reload asked for reads the store after everything written before it, so it starts after
  // the one in flight; a call that finds the view stale joins the one in flight.
  const reload = (strict = false) => {
    const current = (loading ?? Promise.resolve()).then(
      () => load(strict),
      () => load(strict),
    )
    loading = current
    const done = () => {
      if (loading === current) loading = undefined
    }
    current.then(done, done)
    return current
  }

  return {
    async fresh() {
      if (performance.now() - loadedAt < refreshMs) return
      try {
        await (loading ?? reload())
      } catch (error) {
        loadedAt = performance.now()
        options.report(error)
      }
    },
    reload,
    forProvider: (provider) =>
      [...entries.values()].filter(
        (entry) =>
          entry.provider === provider && (entry.credentials !== undefined || entry.problem !== undefined),
      ),
    get: (id) => entries.get(id),
    all: () => [...entries.values()],
    change(id, change) {
      const entry = entries.get(id)
      if (entry) apply(entry, change)
      if (loading) changedDuringLoad.set(id, { ...changedDuringLoad.get(id), ...change })
    },
  }
}

function apply(entry: ConnectionEntry, change: EntryChange) {
  const { cooldownUntil, ...fields } = change
  Object.assign(entry, fields)
  if (fields.status !== undefined && fields.status !== 'disabled') delete entry.disabledReason
  if (cooldownUntil !== undefined) entry.health = { ...entry.health, cooldownUntil }
}
