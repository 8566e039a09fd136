import { columnNames, type SqlTable, type SqlType } from '@aimux/ai-core/store-kit'

/** The PostgreSQL type of each kind of column, as the schema declares it. */
const pgTypes: Record<SqlType, string> = {
  text: 'text',
  integer: 'integer',
  int64: 'bigint',
  real: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  json: 'jsonb',
  'json-text': 'json',
}

/** The PostgreSQL type of one column of `table`. */
export function pgType<Row>(table: SqlTable<Row>, column: keyof Row & string): string {
  return pgTypes[table.columns[column]]
}

/** `INSERT INTO <s>.<table> (<columns>) VALUES ($1, ...)`: bound with columnValues(table, row). */
export function insertSql<Row>(s: string, table: SqlTable<Row>): string {
  const columns = columnNames(table)
  return `INSERT INTO ${s}.${table.name} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`
}

/**
 * `unnest($1::text[], $2::bigint[], ...)`: the rows of a batch as one set, from one array per
 * column (columnArrays), so a batch of any length is one statement with one parameter a column.
 */
export function unnestSql<Row>(table: SqlTable<Row>): string {
  return `unnest(${columnNames(table)
    .map((column, i) => `$${i + 1}::${pgType(table, column)}[]`)
    .join(', ')})`
}

/** One array a column, in the table's column order, of the values of `rows`; undefined as null. */
export function columnArrays<Row>(table: SqlTable<Row>, rows: readonly Row[]): unknown[][] {
  return columnNames(table).map((column) => rows.map((row) => row[column] ?? null))
}
