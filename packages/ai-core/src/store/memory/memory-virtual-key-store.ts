import { StoreError } from '../../errors/errors.js'
import { compareStrings } from '../kit/compare-strings.js'
import type { VirtualKey, VirtualKeyStore } from '../virtual-key-store.js'

/** Virtual keys in memory, by id and by the hash of their secret. */
export function createMemoryVirtualKeyStore(): VirtualKeyStore {
  const keys = new Map<string, VirtualKey>()
  const idsByHash = new Map<string, string>()

  return {
    async create(key) {
      if (keys.has(key.id)) throw new StoreError(`virtual key ${key.id} already exists`)
      if (idsByHash.has(key.hash))
        throw new StoreError(`virtual key ${key.id}: a key with the same hash already exists`)
      keys.set(key.id, structuredClone(key))
      idsByHash.set(key.hash, key.id)
    },

    async findByHash(hash) {
      const id = idsByHash.get(hash)
      return id === undefined ? undefined : structuredClone(keys.get(id))
    },

    async get(id) {
      const key = keys.get(id)
      return key && structuredClone(key)
    },

    async list(options = {}) {
      return [...keys.values()]
        .filter((key) => options.includeRevoked === true || key.revokedAt === undefined)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareStrings(b.id, a.id))
        .map((key) => structuredClone(key))
    },

    async revoke(id, at) {
      const key = keys.get(id)
      if (!key || key.revokedAt) return false
      key.revokedAt = new Date(at)
      return true
    },
  }
}
