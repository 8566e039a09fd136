import type { Database, Statement } from 'better-sqlite3'

/**
 * Prepares a statement the first time its SQL is seen and reuses it after: queries whose WHERE
 * clause depends on which filters are given are prepared once per shape.
 */
export function createStatementCache(db: Database): (sql: string) => Statement<[Record<string, unknown>]> {
  const statements = new Map<string, Statement<[Record<string, unknown>]>>()
  return (sql) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = db.prepare<Record<string, unknown>>(sql)
      statements.set(sql, statement)
    }
    return statement
  }
}
