import type { Database, Statement } from 'better-sqlite3'

/**
 * Writes rows of one shape with few statements: `sql(count)` is the statement for `count` rows
 * (`INSERT ... VALUES (?, ...), (?, ...) ...`), bound with their values one row after another.
 * Counts are powers of two up to `most`, each prepared the first time it is needed, so however
 * the number of rows varies at most log2(most) + 1 statements are prepared: 100 rows are written
 * as 64, 32 and 4.
 */
export function createRowsWriter(
  db: Database,
  sql: (count: number) => string,
  most = 64,
): (rows: readonly (readonly unknown[])[]) => void {
  const statements = new Map<number, Statement<[unknown[]]>>()
  const statement = (count: number) => {
    let prepared = statements.get(count)
    if (!prepared) {
      prepared = db.prepare<[unknown[]]>(sql(count))
      statements.set(count, prepared)
    }
    return prepared
  }
  return (rows) => {
    for (let at = 0; at < rows.length; ) {
      let count = most
      while (count > rows.length - at) count >>= 1
      statement(count).run(rows.slice(at, at + count).flat())
      at += count
    }
  }
}

/** `(?, ?, ...), (?, ?, ...)`: `count` rows of `columns` positional parameters. */
export function valuesSql(columns: number, count: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`
  return Array.from({ length: count }, () => row).join(', ')
}
