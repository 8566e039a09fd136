import type { SqlCodec } from './sql-codec.js'

/**
 * better-sqlite3's representation, as the SQLite store's schema uses it: int64 columns come back
 * as numbers (bigints with safeIntegers on), booleans are INTEGER 0 and 1, timestamps INTEGER
 * milliseconds since the epoch (ISO text is read too), JSON is TEXT.
 */
export const sqliteCodec: SqlCodec = {
  int64: { read: Number, write: (value) => value },
  boolean: { read: (stored) => Number(stored) !== 0, write: (value) => (value ? 1 : 0) },
  date: {
    read: (stored) => (typeof stored === 'string' ? new Date(stored) : new Date(Number(stored))),
    write: (value) => value.getTime(),
  },
  json: {
    read: (stored) => (typeof stored === 'string' ? JSON.parse(stored) : stored),
    write: (value) => JSON.stringify(value),
  },
}
