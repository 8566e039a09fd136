export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js'
export { sqliteStore } from './sqlite-store-plugin.js'
