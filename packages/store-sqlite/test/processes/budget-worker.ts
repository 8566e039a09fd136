// One of several processes killed while a call holds a budget reservation in one SQLite file
// (reservation-expiry.test.ts): budget-worker.ts <db>
import { runBudgetWorker } from '@aimux/ai-testing'
import { createSqliteStore } from '../../src/sqlite-store.js'

const [path] = process.argv.slice(2) as [string]
await runBudgetWorker(() => createSqliteStore({ path, busyTimeoutMs: 30_000 }))
