import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createRowsWriter, valuesSql } from './rows-writer.js'

describe('createRowsWriter', () => {
  it('writes every row in order, with statements of powers of two up to the most, each prepared once', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (n INTEGER NOT NULL, s TEXT)')
    const counts: number[] = []
    const write = createRowsWriter(
      db,
      (count) => {
        counts.push(count)
        return `INSERT INTO t (n, s) VALUES ${valuesSql(2, count)}`
      },
      8,
    )
    const rows = (from: number, length: number) =>
      Array.from({ length }, (_, i) => [from + i, (from + i) % 2 === 0 ? `s${from + i}` : null])
    write(rows(0, 21)) // 8 + 8 + 4 + 1
    write(rows(21, 7)) // 4 + 2 + 1
    write([])
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 4, 8])
    expect(db.prepare('SELECT n, s FROM t ORDER BY rowid').raw().all()).toEqual(rows(0, 28))
    db.close()
  })

  it('makes the VALUES list of a count of rows', () => {
    expect(valuesSql(3, 2)).toBe('(?, ?, ?), (?, ?, ?)')
    expect(valuesSql(1, 1)).toBe('(?)')
  })
})
