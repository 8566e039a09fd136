import type { AuditStore } from '@aimux/ai-core'
import {
  type AuditRecordRow,
  auditPageQuery,
  auditRecordsTable,
  postgresCodec as codec,
  columnNames,
  toAuditPage,
  toAuditRecordRow,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { columnArrays, unnestSql } from './table-sql.js'

/**
 * The audit trail in PostgreSQL: a batch appended as one statement, an id stored already left as
 * it is, read newest first a page at a time. The schema's triggers refuse any UPDATE, DELETE or
 * TRUNCATE.
 */
export function createAuditStore(pool: Pool, s: string): AuditStore {
  const table = auditRecordsTable
  const insert = `INSERT INTO ${s}.${table.name} (${columnNames(table).join(', ')})
    SELECT * FROM ${unnestSql(table)} ON CONFLICT (id) DO NOTHING`

  return {
    async append(records) {
      if (records.length === 0) return
      const rows = records.map((record) => toAuditRecordRow(record, codec))
      await pool.query(insert, columnArrays(table, rows))
    },

    async query(query = {}) {
      const page = auditPageQuery(query, codec)
      const where: string[] = []
      const params: unknown[] = []
      for (const [column, op, value] of page.conditions) {
        params.push(value)
        where.push(`${column} ${op} $${params.length}`)
      }
      if (page.after) {
        params.push(page.after.created_at, page.after.id)
        where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`)
      }
      params.push(page.limit + 1)
      const { rows } = await pool.query<AuditRecordRow>(
        `SELECT * FROM ${s}.audit_records ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      )
      return toAuditPage(rows, page.limit, codec)
    },
  }
}
