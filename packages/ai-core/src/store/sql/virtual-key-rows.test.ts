import { describe, expect, it } from 'vitest'
import type { VirtualKey } from '../virtual-key-store.js'
import { postgresCodec } from './postgres-codec.js'
import { columnNames } from './sql-table.js'
import { sqliteCodec } from './sqlite-codec.js'
import { toVirtualKey, toVirtualKeyRow, virtualKeysTable } from './virtual-key-rows.js'

const createdAt = new Date('2026-11-22T12:00:00.123Z')
const expiresAt = new Date('2027-01-01T00:00:00.001Z')
const revokedAt = new Date('2026-12-01T08:30:00.999Z')

const full: VirtualKey = {
  id: 'vk_1',
  hash: 'ab'.repeat(32),
  prefix: 'sk-aimux-3f9a',
  name: 'billing service',
  scope: { tenantId: 't1', userId: 'u1', projectId: 'p1' },
  models: ['openai:gpt-4o-mini', '@fast'],
  limits: { budgets: [{ limitUsd: 5, period: 'month', thresholds: [0.8, 1] }], requestsPerMinute: 60 },
  metadata: { team: 'billing', tags: ['a', 'b'] },
  createdAt,
  expiresAt,
  revokedAt,
}

const bare: VirtualKey = {
  id: 'vk_2',
  hash: 'cd'.repeat(32),
  prefix: 'sk-aimux-0000',
  scope: {},
  limits: {},
  createdAt,
}

describe('virtual key rows', () => {
  it('writes every field of a SQLite row, times as milliseconds and JSON as text, and reads it back', () => {
    const row = toVirtualKeyRow(full, sqliteCodec)
    expect(row).toEqual({
      id: 'vk_1',
      hash: 'ab'.repeat(32),
      prefix: 'sk-aimux-3f9a',
      name: 'billing service',
      tenant_id: 't1',
      user_id: 'u1',
      project_id: 'p1',
      models: '["openai:gpt-4o-mini","@fast"]',
      limits: '{"budgets":[{"limitUsd":5,"period":"month","thresholds":[0.8,1]}],"requestsPerMinute":60}',
      metadata: '{"team":"billing","tags":["a","b"]}',
      created_at: createdAt.getTime(),
      expires_at: expiresAt.getTime(),
      revoked_at: revokedAt.getTime(),
    })
    expect(Object.keys(row)).toEqual(columnNames(virtualKeysTable))
    expect(toVirtualKey(row, sqliteCodec)).toEqual(full)
  })

  it('writes absent fields as NULL and leaves them out when read, keeping an empty model list', () => {
    const row = toVirtualKeyRow(bare, sqliteCodec)
    expect(row).toMatchObject({
      name: null,
      tenant_id: null,
      user_id: null,
      project_id: null,
      models: null,
      limits: '{}',
      metadata: null,
      expires_at: null,
      revoked_at: null,
    })
    expect(toVirtualKey(row, sqliteCodec)).toStrictEqual(bare)

    const none = { ...bare, models: [] }
    expect(toVirtualKey(toVirtualKeyRow(none, sqliteCodec), sqliteCodec)).toStrictEqual(none)
  })

  it('reads a pg row: timestamps as Dates and JSON already parsed', () => {
    const written = toVirtualKeyRow(full, postgresCodec)
    expect(written).toMatchObject({ created_at: createdAt, models: '["openai:gpt-4o-mini","@fast"]' })
    // pg hands back jsonb parsed, with its keys in its own order.
    const read = {
      ...written,
      models: ['openai:gpt-4o-mini', '@fast'],
      limits: { requestsPerMinute: 60, budgets: [{ period: 'month', limitUsd: 5, thresholds: [0.8, 1] }] },
      metadata: { tags: ['a', 'b'], team: 'billing' },
    }
    expect(toVirtualKey(read, postgresCodec)).toEqual(full)
    const bareRow = { ...toVirtualKeyRow(bare, postgresCodec), limits: {} }
    expect(toVirtualKey(bareRow, postgresCodec)).toStrictEqual(bare)
  })
})
