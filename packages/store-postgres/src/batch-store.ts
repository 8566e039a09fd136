import { type BatchStore, StoreError } from '@aimux/ai-core'
import {
  type BatchJobRow,
  batchJobsTable,
  batchJobUpdate,
  postgresCodec as codec,
  columnValues,
  newestFirstQuery,
  toBatchJob,
  toBatchJobRow,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { hasSqlState, UNIQUE_VIOLATION } from './database-error.js'
import { insertSql } from './table-sql.js'

/** Batch jobs in PostgreSQL: by id, newest first, settled once across every instance. */
export function createBatchStore(pool: Pool, s: string): BatchStore {
  return {
    async create(job) {
      try {
        await pool.query(
          insertSql(s, batchJobsTable),
          columnValues(batchJobsTable, toBatchJobRow(job, codec)),
        )
      } catch (error) {
        if (!hasSqlState(error, UNIQUE_VIOLATION)) throw error
        throw new StoreError(`batch job ${job.id} already exists`, { cause: error })
      }
    },

    async get(id) {
      const { rows } = await pool.query<BatchJobRow>(`SELECT * FROM ${s}.batch_jobs WHERE id = $1`, [id])
      return rows[0] && toBatchJob(rows[0], codec)
    },

    async update(id, update) {
      const row = batchJobUpdate(update, codec)
      const columns = Object.keys(row) as (keyof BatchJobRow)[]
      const { rows } = await pool.query<BatchJobRow>(
        `UPDATE ${s}.batch_jobs SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`,
        [id, ...columns.map((c) => row[c])],
      )
      return rows[0] && toBatchJob(rows[0], codec)
    },

    async settle(id, { at, costNanoUsd }) {
      // Sets settled_at only where it is still NULL: of two settlements at once, one changes the row.
      const { rowCount } = await pool.query(
        `UPDATE ${s}.batch_jobs SET settled_at = $2, cost_nano_usd = $3 WHERE id = $1 AND settled_at IS NULL`,
        [id, codec.date.write(at), codec.int64.write(costNanoUsd)],
      )
      return rowCount! > 0
    },

    async list(options = {}) {
      const { sql, params } = newestFirstQuery(
        `${s}.batch_jobs`,
        {
          status: options.status,
          provider: options.provider,
          tenant_id: options.tenantId,
          user_id: options.userId,
          project_id: options.projectId,
        },
        options.limit,
        (n) => `$${n}`,
      )
      const { rows } = await pool.query<BatchJobRow>(sql, params)
      return rows.map((row) => toBatchJob(row, codec))
    },
  }
}
