import { compactFields } from '../../spec/compact-fields.js'
import type { VirtualKey, VirtualKeyLimits } from '../virtual-key-store.js'
import type { SqlCodec, SqlDate, SqlJson } from './sql-codec.js'
import type { SqlTable } from './sql-table.js'

/** A row of `virtual_keys`: the key's scope in three columns, its lists and limits as JSON. */
export interface VirtualKeyRow {
  id: string
  hash: string
  prefix: string
  name: string | null
  tenant_id: string | null
  user_id: string | null
  project_id: string | null
  models: SqlJson | null
  limits: SqlJson
  metadata: SqlJson | null
  created_at: SqlDate
  expires_at: SqlDate | null
  revoked_at: SqlDate | null
}

export const virtualKeysTable: SqlTable<VirtualKeyRow> = {
  name: 'virtual_keys',
  columns: {
    id: 'text',
    hash: 'text',
    prefix: 'text',
    name: 'text',
    tenant_id: 'text',
    user_id: 'text',
    project_id: 'text',
    models: 'json',
    limits: 'json',
    metadata: 'json',
    created_at: 'timestamp',
    expires_at: 'timestamp',
    revoked_at: 'timestamp',
  },
}

/** The row a key is written as; an absent field is NULL (an empty `models` list stays `[]`). */
export function toVirtualKeyRow(key: VirtualKey, codec: SqlCodec): VirtualKeyRow {
  return {
    id: key.id,
    hash: key.hash,
    prefix: key.prefix,
    name: key.name ?? null,
    tenant_id: key.scope.tenantId ?? null,
    user_id: key.scope.userId ?? null,
    project_id: key.scope.projectId ?? null,
    models: key.models === undefined ? null : codec.json.write(key.models),
    limits: codec.json.write(key.limits),
    metadata: key.metadata === undefined ? null : codec.json.write(key.metadata),
    created_at: codec.date.write(key.createdAt),
    expires_at: key.expiresAt === undefined ? null : codec.date.write(key.expiresAt),
    revoked_at: key.revokedAt === undefined ? null : codec.date.write(key.revokedAt),
  }
}

export function toVirtualKey(row: VirtualKeyRow, codec: SqlCodec): VirtualKey {
  return {
    id: row.id,
    hash: row.hash,
    prefix: row.prefix,
    scope: compactFields({ tenantId: row.tenant_id, userId: row.user_id, projectId: row.project_id }),
    limits: codec.json.read(row.limits) as VirtualKeyLimits,
    createdAt: codec.date.read(row.created_at),
    ...compactFields({
      name: row.name,
      models: row.models === null ? null : (codec.json.read(row.models) as string[]),
      metadata: row.metadata === null ? null : (codec.json.read(row.metadata) as Record<string, unknown>),
      expiresAt: row.expires_at === null ? null : codec.date.read(row.expires_at),
      revokedAt: row.revoked_at === null ? null : codec.date.read(row.revoked_at),
    }),
  }
}
