// Writes batches of usage records to PostgreSQL until it is killed (crash.test.ts):
// usage-writer.ts <url> <schema>
import { runUsageWriter } from '@aimux/ai-testing'
import { createPostgresStore } from '../../src/postgres-store.js'

const [connectionString, schema] = process.argv.slice(2) as [string, string]
await runUsageWriter(() => createPostgresStore({ connectionString, schema }))
