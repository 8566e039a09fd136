import { compactFields } from '../../spec/compact-fields.js'
import type { BatchCounts, BatchStatus } from '../../spec/provider-batch.js'
import type { BatchJob, BatchJobRequest, BatchJobUpdate, BatchReservation } from '../batch-store.js'
import type { SqlCodec, SqlDate, SqlInt64, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/**
 * A row of `batch_jobs`: the job's scope in three columns, its counts, requests and reservation as
 * JSON (the reservation's expiry as milliseconds, so it reads back as a Date).
 */
export interface BatchJobRow {
  id: string
  provider: string
  model: string
  provider_batch_id: string
  status: string
  counts: SqlJson
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  requests: SqlJson
  reservation: SqlJson | null
  created_at: SqlDate
  updated_at: SqlDate
  expires_at: SqlDate | null
  ended_at: SqlDate | null
  error: string | null
  settled_at: SqlDate | null
  cost_nano_usd: SqlInt64 | null
  metadata: SqlJson | null
}

export const batchJobsTable: SqlTable<BatchJobRow> = {
  name: 'batch_jobs',
  columns: {
    id: 'text',
    provider: 'text',
    model: 'text',
    provider_batch_id: 'text',
    status: 'text',
    counts: 'json',
    tenant_id: 'text',
    user_id: 'text',
    project_id: 'text',
    requests: 'json',
    reservation: 'json',
    created_at: 'timestamp',
    updated_at: 'timestamp',
    expires_at: 'timestamp',
    ended_at: 'timestamp',
    error: 'text',
    settled_at: 'timestamp',
    cost_nano_usd: 'int64',
    metadata: 'json',
  },
}

type StoredReservation = Omit<BatchReservation, 'expiresAt'> & { expiresAt: number }

/** The row a job is written as; an absent field is NULL. */
export function toBatchJobRow(job: BatchJob, codec: SqlCodec): BatchJobRow {
  const reservation: StoredReservation | undefined = job.reservation && {
    ...job.reservation,
    expiresAt: job.reservation.expiresAt.getTime(),
  }
  return {
    id: job.id,
    provider: job.provider,
    model: job.model,
    provider_batch_id: job.providerBatchId,
    status: job.status,
    counts: codec.json.write(job.counts),
    tenant_id: job.scope.tenantId ?? null,
    user_id: job.scope.userId ?? null,
    project_id: job.scope.projectId ?? null,
    requests: codec.json.write(job.requests),
    reservation: reservation === undefined ? null : codec.json.write(reservation),
    created_at: codec.date.write(job.createdAt),
    updated_at: codec.date.write(job.updatedAt),
    expires_at: job.expiresAt === undefined ? null : codec.date.write(job.expiresAt),
    ended_at: job.endedAt === undefined ? null : codec.date.write(job.endedAt),
    error: job.error ?? null,
    settled_at: job.settledAt === undefined ? null : codec.date.write(job.settledAt),
    cost_nano_usd: job.costNanoUsd === undefined ? null : codec.int64.write(job.costNanoUsd),
    metadata: job.metadata === undefined ? null : codec.json.write(job.metadata),
  }
}

export function toBatchJob(row: BatchJobRow, codec: SqlCodec): BatchJob {
  const stored = row.reservation === null ? null : (codec.json.read(row.reservation) as StoredReservation)
  return {
    id: row.id,
    provider: row.provider,
    model: row.model,
    providerBatchId: row.provider_batch_id,
    status: row.status as BatchStatus,
    counts: codec.json.read(row.counts) as BatchCounts,
    scope: compactFields({ tenantId: row.tenant_id, userId: row.user_id, projectId: row.project_id }),
    requests: codec.json.read(row.requests) as BatchJobRequest[],
    createdAt: codec.date.read(row.created_at),
    updatedAt: codec.date.read(row.updated_at),
    ...compactFields({
      reservation: stored && { ...stored, expiresAt: new Date(stored.expiresAt) },
      expiresAt: row.expires_at === null ? null : codec.date.read(row.expires_at),
      endedAt: row.ended_at === null ? null : codec.date.read(row.ended_at),
      error: row.error,
      settledAt: row.settled_at === null ? null : codec.date.read(row.settled_at),
      costNanoUsd: row.cost_nano_usd === null ? null : codec.int64.read(row.cost_nano_usd),
      metadata: row.metadata === null ? null : (codec.json.read(row.metadata) as Record<string, unknown>),
    }),
  }
}

/**
 * The columns a refresh sets, as `column = value` pairs for an UPDATE; an absent optional field
 * keeps its stored value (its column is left out).
 */
export function batchJobUpdate(update: BatchJobUpdate, codec: SqlCodec): Partial<BatchJobRow> {
  const row: Partial<BatchJobRow> = {
    status: update.status,
    counts: codec.json.write(update.counts),
    updated_at: codec.date.write(update.updatedAt),
  }
  if (update.expiresAt !== undefined) row.expires_at = codec.date.write(update.expiresAt)
  if (update.endedAt !== undefined) row.ended_at = codec.date.write(update.endedAt)
  if (update.error !== undefined) row.error = update.error
  return row
}
