// One of several processes calling against one hard budget in one SQLite file, with budget
// leases (multi-process.test.ts): spend-worker.ts <db>
import { runSpendWorker } from '@aimux/ai-testing'
import { createSqliteStore } from '../../src/sqlite-store.js'

const [path] = process.argv.slice(2) as [string]
await runSpendWorker(() => createSqliteStore({ path, busyTimeoutMs: 30_000 }))
