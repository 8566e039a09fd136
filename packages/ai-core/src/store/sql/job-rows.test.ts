import { describe, expect, it } from 'vitest'
import { toJobRun, toJobRunRow } from './job-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'

describe('job run rows', () => {
  const claim = {
    job: 'models.sync',
    slot: new Date('2026-12-01T10:00:00.000Z'),
    owner: 'i1',
    startedAt: new Date('2026-12-01T10:00:00.123Z'),
    leaseUntil: new Date('2026-12-01T10:05:00.123Z'),
  }

  it('writes a claim unfinished and reads it back, through either codec', () => {
    for (const codec of [sqliteCodec, postgresCodec]) {
      const row = toJobRunRow(claim, codec)
      expect(row).toMatchObject({ finished_at: null, error: null })
      expect(toJobRun(row, codec)).toEqual(claim)
    }
  })

  it('reads the end and the error of a finished run', () => {
    const row = { ...toJobRunRow(claim, sqliteCodec), finished_at: 5, error: 'boom' }
    expect(toJobRun(row, sqliteCodec)).toEqual({ ...claim, finishedAt: new Date(5), error: 'boom' })
  })
})
