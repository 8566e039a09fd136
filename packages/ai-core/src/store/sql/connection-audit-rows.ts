import { compactFields } from '../../spec/compact-fields.js'
import type { AuditEntry } from '../connection-store.js'
import type { SqlCodec, SqlDate } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `connection_audit` (its id, which orders entries of one time, is the database's). */
export interface AuditRow {
  at: SqlDate
  connection_id: string
  action: string
  actor: string | null
  request_id: string | null
  detail: string | null
}

export const connectionAuditTable: SqlTable<AuditRow> = {
  name: 'connection_audit',
  columns: {
    at: 'timestamp',
    connection_id: 'text',
    action: 'text',
    actor: 'text',
    request_id: 'text',
    detail: 'text',
  },
}

export function toAuditRow(entry: AuditEntry, codec: SqlCodec): AuditRow {
  return {
    at: codec.date.write(entry.at),
    connection_id: entry.connectionId,
    action: entry.action,
    actor: entry.actor ?? null,
    request_id: entry.requestId ?? null,
    detail: entry.detail ?? null,
  }
}

export function toAudit(row: AuditRow, codec: SqlCodec): AuditEntry {
  return {
    at: codec.date.read(row.at),
    connectionId: row.connection_id,
    action: row.action,
    ...compactFields({ actor: row.actor, requestId: row.request_id, detail: row.detail }),
  }
}
