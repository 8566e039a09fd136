// One of several processes killed while a call holds a budget reservation in one PostgreSQL
// schema (reservation-expiry.test.ts): budget-worker.ts <url> <schema>
import { runBudgetWorker } from '@aimux/ai-testing'
import { createPostgresStore } from '../../src/postgres-store.js'

const [connectionString, schema] = process.argv.slice(2) as [string, string]
await runBudgetWorker(() => createPostgresStore({ connectionString, schema }))
