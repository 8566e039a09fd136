// One of several processes calling against one hard budget in one PostgreSQL schema, with
// budget leases (multi-process.test.ts): spend-worker.ts <url> <schema>
import { runSpendWorker } from '@aimux/ai-testing'
import { createPostgresStore } from '../../src/postgres-store.js'

const [connectionString, schema] = process.argv.slice(2) as [string, string]
await runSpendWorker(() => createPostgresStore({ connectionString, schema }))
