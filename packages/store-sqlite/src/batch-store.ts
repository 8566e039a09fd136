import { type BatchStore, StoreError } from '@aimux/ai-core'
import {
  type BatchJobRow,
  batchJobsTable,
  batchJobUpdate,
  sqliteCodec as codec,
  newestFirstQuery,
  toBatchJob,
  toBatchJobRow,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/** Batch jobs in SQLite: by id, newest first, settled once. */
export function createBatchStore(db: Database): BatchStore {
  const insertJob = db.prepare<BatchJobRow>(insertSql(batchJobsTable))
  const selectById = db.prepare<[string], BatchJobRow>('SELECT * FROM batch_jobs WHERE id = ?')
  // Sets settled_at only where it is still NULL: of two settlements at once, one changes the row.
  const settleJob = db.prepare<{ id: string; at: unknown; cost: unknown }>(
    'UPDATE batch_jobs SET settled_at = @at, cost_nano_usd = @cost WHERE id = @id AND settled_at IS NULL',
  )

  return {
    async create(job) {
      try {
        insertJob.run(toBatchJobRow(job, codec))
      } catch (error) {
        if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new StoreError(`batch job ${job.id} already exists`, { cause: error })
        throw error
      }
    },

    async get(id) {
      const row = selectById.get(id)
      return row && toBatchJob(row, codec)
    },

    async update(id, update) {
      const row = batchJobUpdate(update, codec)
      const columns = Object.keys(row)
      db.prepare(`UPDATE batch_jobs SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run(
        {
          ...row,
          id,
        },
      )
      const stored = selectById.get(id)
      return stored && toBatchJob(stored, codec)
    },

    async settle(id, { at, costNanoUsd }) {
      const cost = codec.int64.write(costNanoUsd)
      return settleJob.run({ id, at: codec.date.write(at), cost }).changes > 0
    },

    async list(options = {}) {
      const { sql, params } = newestFirstQuery(
        'batch_jobs',
        {
          status: options.status,
          provider: options.provider,
          tenant_id: options.tenantId,
          user_id: options.userId,
          project_id: options.projectId,
        },
        options.limit,
        () => '?',
      )
      return db
        .prepare<unknown[], BatchJobRow>(sql)
        .all(...params)
        .map((row) => toBatchJob(row, codec))
    },
  }
}
