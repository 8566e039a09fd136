/** An int64 (bigint) column as a driver returns it: a number, a bigint, or a decimal string (pg). */
export type SqlInt64 = number | bigint | string
/** A boolean column as a driver returns it: a boolean, or 0 and 1 where the database has none (SQLite). */
export type SqlBoolean = boolean | number | bigint
/** A timestamp column as a driver returns it: a Date (pg), milliseconds since the epoch, or ISO text. */
export type SqlDate = Date | number | bigint | string
/** A JSON column as a driver returns it: the parsed value (pg's json and jsonb), or its text. */
export type SqlJson = unknown

/** How one driver reads a column of one kind into its JavaScript value, and writes it back. */
export interface SqlValueCodec<Stored, Value> {
  read(stored: Stored): Value
  write(value: Value): Stored
}

/**
 * How a driver represents the four kinds of values its database and JavaScript disagree on. The
 * row mappers of the SQL-store kit read and write every int64, boolean, timestamp and JSON column
 * through it; text, integer and double precision columns pass as they are.
 */
export interface SqlCodec {
  int64: SqlValueCodec<SqlInt64, number>
  boolean: SqlValueCodec<SqlBoolean, boolean>
  date: SqlValueCodec<SqlDate, Date>
  json: SqlValueCodec<SqlJson, unknown>
}
