// Writes batches of usage records to a SQLite file until it is killed (crash.test.ts):
// usage-writer.ts <db>
import { runUsageWriter } from '@aimux/ai-testing'
import { createSqliteStore } from '../../src/sqlite-store.js'

const [path] = process.argv.slice(2) as [string]
await runUsageWriter(() => createSqliteStore({ path }))
