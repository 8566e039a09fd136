import { StoreError, type VirtualKeyStore } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnValues,
  toVirtualKey,
  toVirtualKeyRow,
  type VirtualKeyRow,
  virtualKeysTable,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { hasSqlState, UNIQUE_VIOLATION } from './database-error.js'
import { insertSql } from './table-sql.js'

/** Virtual keys in PostgreSQL, found by id or by the hash of their secret. */
export function createVirtualKeyStore(pool: Pool, s: string): VirtualKeyStore {
  return {
    async create(key) {
      try {
        await pool.query(
          insertSql(s, virtualKeysTable),
          columnValues(virtualKeysTable, toVirtualKeyRow(key, codec)),
        )
      } catch (error) {
        if (!hasSqlState(error, UNIQUE_VIOLATION)) throw error
        if ((error as { constraint?: unknown }).constraint === 'virtual_keys_pkey')
          throw new StoreError(`virtual key ${key.id} already exists`, { cause: error })
        // The driver's error is left out: its detail spells out the hash.
        throw new StoreError(`virtual key ${key.id}: a key with the same hash already exists`)
      }
    },

    async findByHash(hash) {
      const { rows } = await pool.query<VirtualKeyRow>(`SELECT * FROM ${s}.virtual_keys WHERE hash = $1`, [
        hash,
      ])
      return rows[0] && toVirtualKey(rows[0], codec)
    },

    async get(id) {
      const { rows } = await pool.query<VirtualKeyRow>(`SELECT * FROM ${s}.virtual_keys WHERE id = $1`, [id])
      return rows[0] && toVirtualKey(rows[0], codec)
    },

    async list(options = {}) {
      const { rows } = await pool.query<VirtualKeyRow>(
        `SELECT * FROM ${s}.virtual_keys WHERE $1::boolean OR revoked_at IS NULL
         ORDER BY created_at DESC, id DESC`,
        [options.includeRevoked === true],
      )
      return rows.map((row) => toVirtualKey(row, codec))
    },

    async revoke(id, at) {
      // Revokes only a key not revoked yet, so of two revocations at once exactly one counts.
      const { rowCount } = await pool.query(
        `UPDATE ${s}.virtual_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
        [id, codec.date.write(at)],
      )
      return rowCount! > 0
    },
  }
}
