/**
 * The kind of a column, whatever the database calls it: each store names its own type for each
 * kind (SQLite's INTEGER for 'int64' and 'timestamp', PostgreSQL's bigint and timestamptz) and
 * the codec says how its driver represents the value.
 */
export type SqlType =
  | 'text'
  | 'integer'
  | 'int64'
  | 'real'
  | 'boolean'
  | 'timestamp'
  /** A JSON value; the database may reorder its keys (PostgreSQL jsonb). */
  | 'json'
  /** A JSON document kept as written, byte for byte (PostgreSQL json). */
  | 'json-text'

/** A table: its name and the kind of each of its columns, in the order of the schema. */
export interface SqlTable<Row> {
  name: string
  columns: { readonly [Column in keyof Row & string]: SqlType }
}

/** The table's column names, in order: the column list of an INSERT or SELECT. */
export function columnNames<Row>(table: SqlTable<Row>): (keyof Row & string)[] {
  return Object.keys(table.columns) as (keyof Row & string)[]
}

/** The values of `row` in the table's column order, undefined as null: positional parameters. */
export function columnValues<Row>(table: SqlTable<Row>, row: Partial<Row>): unknown[] {
  return columnNames(table).map((column) => row[column] ?? null)
}
