// One of several processes spending against one budget in one SQLite file (multi-process.test.ts):
// reserve-worker.ts <db>
import { runReserveWorker } from '@aimux/ai-testing'
import { createSqliteStore } from '../../src/sqlite-store.js'

const [path] = process.argv.slice(2) as [string]
await runReserveWorker(() => createSqliteStore({ path, busyTimeoutMs: 30_000 }))
