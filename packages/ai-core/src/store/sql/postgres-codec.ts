import type { SqlCodec } from './sql-codec.js'

/**
 * pg's representation with its default type parsers: int8 (bigint) and numeric come back as
 * decimal strings, booleans as booleans, timestamptz as Date, json and jsonb parsed. JSON is
 * written as text: pg would send a JavaScript array as a PostgreSQL array, not as JSON.
 */
export const postgresCodec: SqlCodec = {
  int64: { read: Number, write: (value) => value },
  boolean: { read: (stored) => stored === true, write: (value) => value },
  date: {
    read: (stored) => new Date(typeof stored === 'bigint' ? Number(stored) : stored),
    write: (value) => value,
  },
  json: { read: (stored) => stored, write: (value) => JSON.stringify(value) },
}
