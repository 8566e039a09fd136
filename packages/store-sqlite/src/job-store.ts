import type { JobStore } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  type JobRunRow,
  jobRunsTable,
  toJobRun,
  toJobRunRow,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/**
 * Job runs in SQLite. A claim is one INSERT that takes the (job, slot) row when there is none, or
 * takes it over when its run neither finished nor holds its lease any more; SQLite's write lock
 * makes one of several claims at once the one that changes a row.
 */
export function createJobStore(db: Database): JobStore {
  const claim = db.prepare<JobRunRow>(
    `${insertSql(jobRunsTable)}
     ON CONFLICT (job, slot) DO UPDATE SET owner = excluded.owner, started_at = excluded.started_at,
       lease_until = excluded.lease_until
     WHERE job_runs.finished_at IS NULL AND job_runs.lease_until <= excluded.started_at`,
  )
  const finish = db.prepare<{ job: string; slot: unknown; owner: string; at: unknown; error: string | null }>(
    'UPDATE job_runs SET finished_at = @at, error = @error WHERE job = @job AND slot = @slot AND owner = @owner',
  )
  const latest = db.prepare<[string], JobRunRow>(
    'SELECT * FROM job_runs WHERE job = ? ORDER BY slot DESC LIMIT 1',
  )

  return {
    async claim(run) {
      return claim.run(toJobRunRow(run, codec)).changes > 0
    },

    async finish({ job, slot, owner, finishedAt, error }) {
      finish.run({
        job,
        slot: codec.date.write(slot),
        owner,
        at: codec.date.write(finishedAt),
        error: error ?? null,
      })
    },

    async latest(job) {
      const row = latest.get(job)
      return row && toJobRun(row, codec)
    },
  }
}
