import { compactFields } from '../../spec/compact-fields.js'
import type { ConnectionRecord, ConnectionStatus, ConnectionStore } from '../connection-store.js'
import type { SqlCodec, SqlDate, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `connections`. */
export interface ConnectionRow {
  id: string
  provider: string
  name: string
  ciphertext: string
  priority: number
  weight: number
  limits: SqlJson | null
  status: ConnectionStatus
  disabled_reason: string | null
  metadata: SqlJson | null
  created_at: SqlDate
  updated_at: SqlDate
}

export const connectionsTable: SqlTable<ConnectionRow> = {
  name: 'connections',
  columns: {
    id: 'text',
    provider: 'text',
    name: 'text',
    ciphertext: 'text',
    priority: 'real',
    weight: 'real',
    limits: 'json',
    status: 'text',
    disabled_reason: 'text',
    metadata: 'json',
    created_at: 'timestamp',
    updated_at: 'timestamp',
  },
}

/**
 * The row a connection is written as, created or last updated `now` (an upsert keeps the stored
 * created_at).
 */
export function toConnectionRow(
  input: Parameters<ConnectionStore['upsertConnection']>[0],
  now: Date,
  codec: SqlCodec,
): ConnectionRow {
  return {
    id: input.id,
    provider: input.provider,
    name: input.name,
    ciphertext: input.ciphertext,
    priority: input.priority,
    weight: input.weight,
    limits: input.limits === undefined ? null : codec.json.write(input.limits),
    status: input.status,
    disabled_reason: input.disabledReason ?? null,
    metadata: input.metadata === undefined ? null : codec.json.write(input.metadata),
    created_at: codec.date.write(now),
    updated_at: codec.date.write(now),
  }
}

export function toConnection(row: ConnectionRow, codec: SqlCodec): ConnectionRecord {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    ciphertext: row.ciphertext,
    priority: row.priority,
    weight: row.weight,
    ...compactFields({
      limits: row.limits === null ? null : (codec.json.read(row.limits) as ConnectionRecord['limits']),
      disabledReason: row.disabled_reason,
      metadata: row.metadata === null ? null : (codec.json.read(row.metadata) as Record<string, unknown>),
    }),
    status: row.status,
    createdAt: codec.date.read(row.created_at),
    updatedAt: codec.date.read(row.updated_at),
  }
}
