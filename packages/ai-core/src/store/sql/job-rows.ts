import { compactFields } from '../../spec/compact-fields.js'
import type { JobClaim, JobRun } from '../job-store.js'
import type { SqlCodec, SqlDate } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `job_runs`: one claimed slot of one job. */
export interface JobRunRow {
  job: string
  slot: SqlDate
  owner: string
  started_at: SqlDate
  lease_until: SqlDate
  finished_at: SqlDate | null
  error: string | null
}

export const jobRunsTable: SqlTable<JobRunRow> = {
  name: 'job_runs',
  columns: {
    job: 'text',
    slot: 'timestamp',
    owner: 'text',
    started_at: 'timestamp',
    lease_until: 'timestamp',
    finished_at: 'timestamp',
    error: 'text',
  },
}

/** The row a claim is written as: not finished yet. */
export function toJobRunRow(claim: JobClaim, codec: SqlCodec): JobRunRow {
  return {
    job: claim.job,
    slot: codec.date.write(claim.slot),
    owner: claim.owner,
    started_at: codec.date.write(claim.startedAt),
    lease_until: codec.date.write(claim.leaseUntil),
    finished_at: null,
    error: null,
  }
}

export function toJobRun(row: JobRunRow, codec: SqlCodec): JobRun {
  return {
    job: row.job,
    slot: codec.date.read(row.slot),
    owner: row.owner,
    startedAt: codec.date.read(row.started_at),
    leaseUntil: codec.date.read(row.lease_until),
    ...(row.finished_at !== null && { finishedAt: codec.date.read(row.finished_at) }),
    ...compactFields({ error: row.error }),
  }
}
