import type { AuditStore } from '@aimux/ai-core'
import {
  type AuditRecordRow,
  auditPageQuery,
  auditRecordsTable,
  sqliteCodec as codec,
  toAuditPage,
  toAuditRecordRow,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'

/**
 * The audit trail in SQLite: appended in one transaction, an id stored already left as it is,
 * read newest first a page at a time. The schema's triggers refuse any UPDATE or DELETE.
 */
export function createAuditStore(db: Database): AuditStore {
  const insert = db.prepare<AuditRecordRow>(`${insertSql(auditRecordsTable)} ON CONFLICT (id) DO NOTHING`)
  const appendAll = db.transaction((rows: AuditRecordRow[]) => {
    for (const row of rows) insert.run(row)
  })

  return {
    async append(records) {
      if (records.length === 0) return
      appendAll(records.map((record) => toAuditRecordRow(record, codec)))
    },

    async query(query = {}) {
      const page = auditPageQuery(query, codec)
      const where: string[] = []
      const params: unknown[] = []
      for (const [column, op, value] of page.conditions) {
        where.push(`${column} ${op} ?`)
        params.push(value)
      }
      if (page.after) {
        where.push('(created_at, id) < (?, ?)')
        params.push(page.after.created_at, page.after.id)
      }
      const sql = `SELECT * FROM audit_records ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`
      const rows = db.prepare<unknown[], AuditRecordRow>(sql).all(...params, page.limit + 1)
      return toAuditPage(rows, page.limit, codec)
    },
  }
}
