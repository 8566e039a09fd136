import type { JobStore } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnValues,
  type JobRunRow,
  jobRunsTable,
  toJobRun,
  toJobRunRow,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { insertSql } from './table-sql.js'
import { inTransaction } from './transaction.js'

/**
 * Job runs in PostgreSQL, shared by every instance on the schema. A claim takes a transaction
 * advisory lock on the job first (pg_try_advisory_xact_lock, keyed by schema and job): while one
 * instance claims, the others give up at once instead of queueing. The (job, slot) primary key
 * then decides for good: the INSERT makes the row, or takes over one whose run neither finished
 * nor holds its lease; every other claim of that slot changes nothing. The lock ends with the
 * claim's transaction; the row, not the lock, keeps the slot taken while the job runs.
 */
export function createJobStore(pool: Pool, s: string): JobStore {
  const claimSql = `${insertSql(s, jobRunsTable)}
    ON CONFLICT (job, slot) DO UPDATE SET owner = excluded.owner, started_at = excluded.started_at,
      lease_until = excluded.lease_until
    WHERE job_runs.finished_at IS NULL AND job_runs.lease_until <= excluded.started_at`

  return {
    async claim(run) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
          [`aimux job ${s}.${run.job}`],
        )
        if (!rows[0]?.locked) return false
        const inserted = await client.query(claimSql, columnValues(jobRunsTable, toJobRunRow(run, codec)))
        return (inserted.rowCount ?? 0) > 0
      })
    },

    async finish({ job, slot, owner, finishedAt, error }) {
      await pool.query(
        `UPDATE ${s}.job_runs SET finished_at = $4, error = $5 WHERE job = $1 AND slot = $2 AND owner = $3`,
        [job, slot, owner, finishedAt, error ?? null],
      )
    },

    async latest(job) {
      const { rows } = await pool.query<JobRunRow>(
        `SELECT * FROM ${s}.job_runs WHERE job = $1 ORDER BY slot DESC LIMIT 1`,
        [job],
      )
      return rows[0] && toJobRun(rows[0], codec)
    },
  }
}
