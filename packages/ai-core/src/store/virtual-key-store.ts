import type { Scope } from '../spec/scope.js'

// The virtual-key port: the keys a server (the gateway) hands to its callers, `sk-aimux-...`.
// The store keeps only the SHA-256 of a key's secret, never the secret itself: a caller's key is
// found by hashing what it presents and looking the hash up. Instances sharing one store (several
// gateway processes on store-postgres) share their keys, and a revocation made by one is seen by
// all at their next lookup.

/** What a virtual key may spend and how fast it may call. */
export interface VirtualKeyLimits {
  /** Budgets on this key's own spend counter, as in `createAI({ budgets })`. */
  budgets?: { limitUsd: number; period: 'day' | 'week' | 'month' | 'total'; thresholds?: number[] }[]
  requestsPerMinute?: number
  tokensPerMinute?: number
}

/**
 * One virtual key as stored. Every field round-trips through every store: the JSON fields
 * (`models`, `limits`, `metadata`) come back deep-equal (object key order aside), an absent
 * optional field stays absent, and times keep their milliseconds.
 */
export interface VirtualKey {
  /** Public id, e.g. 'vk_3f9a...'; safe to log and to show. */
  id: string
  /** Lowercase hex SHA-256 of the whole secret; the store compares it exactly. Unique. */
  hash: string
  /** The secret's first characters ('sk-aimux-3f9a'), to tell keys apart in a list. */
  prefix: string
  name?: string
  /** The scope every call made with the key runs in; `{}` when it has none. */
  scope: Scope
  /**
   * Models ('provider:model'), groups ('@name') and aliases it may use; undefined: all, and an
   * empty list: none.
   */
  models?: string[]
  limits: VirtualKeyLimits
  metadata?: Record<string, unknown>
  /** Set by the caller (the store keeps what it is given). */
  createdAt: Date
  expiresAt?: Date
  revokedAt?: Date
}

export interface VirtualKeyStore {
  /** Adds a key as given; an id or a hash already stored (revoked keys included) is a StoreError. */
  create(key: VirtualKey): Promise<void>
  /** The key with this secret hash, revoked and expired ones included (the caller decides). */
  findByHash(hash: string): Promise<VirtualKey | undefined>
  get(id: string): Promise<VirtualKey | undefined>
  /**
   * Every key, newest first (by `createdAt`, then by id, highest first); revoked ones only when
   * `includeRevoked` is true. Expired keys are listed: the caller decides.
   */
  list(options?: { includeRevoked?: boolean }): Promise<VirtualKey[]>
  /**
   * Marks a key revoked at `at`, atomically: of two revocations of one key at once, one wins.
   * False when there is no such key or it was already revoked (its `revokedAt` then stays).
   */
  revoke(id: string, at: Date): Promise<boolean>
}
