// One of several processes spending against one budget in one PostgreSQL schema
// (multi-process.test.ts): reserve-worker.ts <url> <schema>
import { runReserveWorker } from '@aimux/ai-testing'
import { createPostgresStore } from '../../src/postgres-store.js'

const [connectionString, schema] = process.argv.slice(2) as [string, string]
await runReserveWorker(() => createPostgresStore({ connectionString, schema }))
