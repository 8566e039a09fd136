import { describe, expect, it } from 'vitest'
import { conversationsTable } from './conversation-rows.js'
import { columnNames, columnValues } from './sql-table.js'

describe('table columns', () => {
  it('lists the columns in schema order and gives a row its values in that order, null for missing', () => {
    expect(columnNames(conversationsTable)).toEqual([
      'id',
      'tenant_id',
      'user_id',
      'project_id',
      'title',
      'model',
      'metadata',
      'total_cost_nano_usd',
      'message_count',
      'created_at',
      'updated_at',
      'archived_at',
    ])
    expect(columnValues(conversationsTable, { id: 'c1', title: 'T', message_count: 3 })).toEqual([
      'c1',
      null,
      null,
      null,
      'T',
      null,
      null,
      null,
      3,
      null,
      null,
      null,
    ])
  })
})
