import { StoreError, type VirtualKeyStore } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  toVirtualKey,
  toVirtualKeyRow,
  type VirtualKeyRow,
  virtualKeysTable,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/** Virtual keys in SQLite, found by id or by the hash of their secret. */
export function createVirtualKeyStore(db: Database): VirtualKeyStore {
  const insertKey = db.prepare<VirtualKeyRow>(insertSql(virtualKeysTable))
  const selectByHash = db.prepare<[string], VirtualKeyRow>('SELECT * FROM virtual_keys WHERE hash = ?')
  const selectById = db.prepare<[string], VirtualKeyRow>('SELECT * FROM virtual_keys WHERE id = ?')
  const selectKeys = db.prepare<{ includeRevoked: number }, VirtualKeyRow>(
    `SELECT * FROM virtual_keys WHERE @includeRevoked OR revoked_at IS NULL
     ORDER BY created_at DESC, id DESC`,
  )
  // Revokes only a key not revoked yet, so of two revocations at once exactly one counts.
  const revokeKey = db.prepare<{ id: string; at: unknown }>(
    'UPDATE virtual_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL',
  )

  return {
    async create(key) {
      try {
        insertKey.run(toVirtualKeyRow(key, codec))
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new StoreError(`virtual key ${key.id} already exists`, { cause: error })
        if (code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw new StoreError(`virtual key ${key.id}: a key with the same hash already exists`, {
            cause: error,
          })
        throw error
      }
    },

    async findByHash(hash) {
      const row = selectByHash.get(hash)
      return row && toVirtualKey(row, codec)
    },

    async get(id) {
      const row = selectById.get(id)
      return row && toVirtualKey(row, codec)
    },

    async list(options = {}) {
      return selectKeys
        .all({ includeRevoked: options.includeRevoked === true ? 1 : 0 })
        .map((row) => toVirtualKey(row, codec))
    },

    async revoke(id, at) {
      return revokeKey.run({ id, at: codec.date.write(at) }).changes > 0
    },
  }
}
