import { type SqlTable, sqliteCodec, toUsageRow, usageRecordsTable } from '@aimux/ai-core/store-kit'
import { usageRecord } from '@aimux/ai-testing/conformance'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { insertSql, insertValuesSql, rowValues } from './insert-sql.js'

interface Row {
  id: string
  note: string | null
  amount: number
}
const table: SqlTable<Row> = { name: 'things', columns: { id: 'text', note: 'text', amount: 'int64' } }

describe('insert SQL', () => {
  it('binds a row object by name, or its values in column order by position', () => {
    expect(insertSql(table)).toBe('INSERT INTO things (id, note, amount) VALUES (@id, @note, @amount)')
    expect(insertValuesSql(table)).toBe('INSERT INTO things (id, note, amount) VALUES (?, ?, ?)')
    // Keys out of column order, and one missing: the values follow the columns, undefined as null.
    const values = rowValues(table)
    expect(values({ amount: 5, id: 'a' } as Row)).toEqual(['a', null, 5])
    expect(values({ note: 'n', amount: 0, id: 'b' })).toEqual(['b', 'n', 0])
  })

  it('writes a usage row by position into the columns a named insert writes', () => {
    const db = new Database(':memory:')
    const columns = Object.keys(usageRecordsTable.columns).join(', ')
    for (const name of ['named', 'positional']) db.exec(`CREATE TABLE ${name} (${columns})`)
    const row = toUsageRow(usageRecord({ tenantId: 't', costNanoUsd: 9_007_199_254_740_991 }), sqliteCodec)
    db.prepare(insertSql({ ...usageRecordsTable, name: 'named' })).run(row)
    db.prepare(insertValuesSql({ ...usageRecordsTable, name: 'positional' })).run(
      rowValues(usageRecordsTable)(row),
    )
    const named = db.prepare('SELECT * FROM named').get()
    expect(named).toMatchObject({ tenant_id: 't', cost_nano_usd: 9_007_199_254_740_991, project_id: null })
    expect(db.prepare('SELECT * FROM positional').get()).toEqual(named)
    db.close()
  })
})
