import { describe, expect, it } from 'vitest'
import type { AuditRecord } from '../audit-store.js'
import { encodePageCursor } from '../kit/page-cursor.js'
import {
  type AuditRecordRow,
  auditPageQuery,
  auditRecordsTable,
  toAuditPage,
  toAuditRecord,
  toAuditRecordRow,
} from './audit-record-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { columnNames } from './sql-table.js'
import { sqliteCodec } from './sqlite-codec.js'

const at = new Date('2026-12-03T12:00:00.123Z')
const full: AuditRecord = {
  id: 'aud_1',
  createdAt: at,
  requestId: 'req_1',
  tenantId: 't1',
  userId: 'u1',
  projectId: 'p1',
  conversationId: 'c1',
  keyId: 'vk_1',
  operation: 'chat',
  stream: true,
  provider: 'openai',
  model: 'gpt-4o-mini',
  requestedModel: 'fast',
  promptSha256: 'a'.repeat(64),
  answerSha256: 'b'.repeat(64),
  content: { prompt: { messages: [{ role: 'user', content: 'Hi' }], tools: [] }, answer: { text: 'Hello' } },
  costNanoUsd: 9_007_199_254_740_991,
  inputTokens: 12,
  outputTokens: 3,
  outcome: 'error',
  errorCode: 'provider',
  error: 'upstream failed',
}
const bare: AuditRecord = {
  id: 'aud_2',
  createdAt: at,
  requestId: 'req_2',
  operation: 'embed',
  stream: false,
  promptSha256: 'c'.repeat(64),
  costNanoUsd: 0,
  inputTokens: 0,
  outputTokens: 0,
  outcome: 'success',
}

/** The row as the driver hands it back: pg parses the JSON columns it was sent as text. */
function stored(row: AuditRecordRow, name: string): AuditRecordRow {
  if (name !== 'PostgreSQL' || typeof row.content !== 'string') return row
  return { ...row, content: JSON.parse(row.content) }
}

describe('audit record rows', () => {
  for (const [name, codec] of [
    ['SQLite', sqliteCodec],
    ['PostgreSQL', postgresCodec],
  ] as const) {
    it(`writes every field of a ${name} row in the table's columns and reads it back`, () => {
      const row = toAuditRecordRow(full, codec)
      expect(Object.keys(row)).toEqual(columnNames(auditRecordsTable))
      expect(toAuditRecord(stored(row, name), codec)).toEqual(full)
    })

    it(`leaves absent ${name} fields NULL and out when read`, () => {
      const row = toAuditRecordRow(bare, codec)
      expect(row).toMatchObject({ tenant_id: null, content: null, answer_sha256: null, error: null })
      expect(toAuditRecord(stored(row, name), codec)).toStrictEqual(bare)
    })
  }

  it('turns a query into conditions on columns, and a cursor into the position after it', () => {
    const from = new Date('2026-12-01T00:00:00.000Z')
    const cursor = encodePageCursor({ createdAt: at, id: 'aud_9' })
    const page = auditPageQuery({ from, userId: 'u1', outcome: 'error', limit: 5, cursor }, sqliteCodec)
    expect(page).toEqual({
      limit: 5,
      conditions: [
        ['created_at', '>=', from.getTime()],
        ['user_id', '=', 'u1'],
        ['outcome', '=', 'error'],
      ],
      after: { created_at: at.getTime(), id: 'aud_9' },
    })
    expect(auditPageQuery({}, sqliteCodec)).toEqual({ limit: 100, conditions: [] })
  })

  it('gives a cursor only when a row past the page was fetched', () => {
    const rows = [full, { ...full, id: 'aud_0' }].map((r) => toAuditRecordRow(r, sqliteCodec))
    const first = toAuditPage(rows, 1, sqliteCodec)
    expect(first.items.map((r) => r.id)).toEqual(['aud_1'])
    expect(first.nextCursor).toBe(encodePageCursor({ createdAt: at, id: 'aud_1' }))
    expect(toAuditPage(rows, 2, sqliteCodec).nextCursor).toBeUndefined()
  })
})
