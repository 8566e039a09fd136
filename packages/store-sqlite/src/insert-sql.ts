import { columnNames, type SqlTable } from '@aimux/ai-core/store-kit'

/** `INSERT INTO <table> (<columns>) VALUES (@<column>, ...)`: bound with a row object. */
export function insertSql<Row>(table: SqlTable<Row>): string {
  const columns = columnNames(table)
  return `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`
}
