import { describe, expect, it } from 'vitest'
import type { BatchJob } from '../batch-store.js'
import { type BatchJobRow, batchJobsTable, batchJobUpdate, toBatchJob, toBatchJobRow } from './batch-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { columnNames } from './sql-table.js'
import { sqliteCodec } from './sqlite-codec.js'

const at = new Date('2026-11-22T12:00:00.123Z')
const full: BatchJob = {
  id: 'batch_1',
  provider: 'anthropic',
  model: 'claude-sonnet-5',
  providerBatchId: 'msgbatch_01',
  status: 'completed',
  counts: { total: 2, succeeded: 1, failed: 1, pending: 0 },
  scope: { tenantId: 't1', userId: 'u1', projectId: 'p1' },
  requests: [{ customId: 'a', requestId: 'batch_1:a' }],
  reservation: {
    id: 'batch_1',
    amountNanoUsd: 42,
    keys: [
      {
        key: { scope: 'global', scopeId: 'global', period: 'total', periodStart: '1970-01-01' },
        budget: { hard: true, thresholds: [] },
        limitNanoUsd: 1_000,
      },
    ],
    expiresAt: new Date('2026-11-23T13:00:00.001Z'),
  },
  createdAt: at,
  updatedAt: at,
  expiresAt: new Date('2026-11-23T12:00:00.001Z'),
  endedAt: at,
  error: 'none',
  settledAt: at,
  costNanoUsd: 9_007_199_254_740_991,
  metadata: { purpose: 'nightly' },
}
const bare: BatchJob = { ...full, id: 'batch_2', scope: {} }
for (const field of [
  'reservation',
  'expiresAt',
  'endedAt',
  'error',
  'settledAt',
  'costNanoUsd',
  'metadata',
] as const)
  delete bare[field]

/** The row as the driver hands it back: pg parses the JSON columns it was sent as text. */
function stored(row: BatchJobRow, name: string): BatchJobRow {
  if (name !== 'PostgreSQL') return row
  const parsed = Object.entries(row).map(([column, value]) => {
    const json = batchJobsTable.columns[column as keyof BatchJobRow] === 'json'
    return [column, json && typeof value === 'string' ? JSON.parse(value) : value]
  })
  return Object.fromEntries(parsed) as BatchJobRow
}

describe('batch job rows', () => {
  for (const [name, codec] of [
    ['SQLite', sqliteCodec],
    ['PostgreSQL', postgresCodec],
  ] as const) {
    it(`writes every field of a ${name} row in the table's columns and reads it back`, () => {
      const row = toBatchJobRow(full, codec)
      expect(Object.keys(row)).toEqual(columnNames(batchJobsTable))
      const read = toBatchJob(stored(row, name), codec)
      expect(read).toEqual(full)
      expect(read.reservation!.expiresAt).toBeInstanceOf(Date)
    })

    it(`leaves absent ${name} fields NULL and out when read`, () => {
      const row = toBatchJobRow(bare, codec)
      expect(row).toMatchObject({ reservation: null, settled_at: null, cost_nano_usd: null, tenant_id: null })
      expect(toBatchJob(stored(row, name), codec)).toStrictEqual(bare)
    })
  }

  it('sets only the columns a refresh gives', () => {
    const counts = { total: 1, succeeded: 1, failed: 0, pending: 0 }
    expect(Object.keys(batchJobUpdate({ status: 'completed', counts, updatedAt: at }, sqliteCodec))).toEqual([
      'status',
      'counts',
      'updated_at',
    ])
    expect(
      batchJobUpdate({ status: 'failed', counts, updatedAt: at, error: 'bad' }, sqliteCodec),
    ).toMatchObject({
      error: 'bad',
    })
  })
})
