export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js'
export { postgresStore } from './postgres-store-plugin.js'
