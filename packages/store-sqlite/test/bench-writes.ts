// Measures how many usage records per second the SQLite store writes, batched as the usage sink
// batches them, and how many reserve-then-settle pairs per second it makes, in a new file:
//   pnpm --filter @aimux/store-sqlite bench [records] [batch size]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runStoreWritesBenchmark } from '@aimux/ai-testing'
import { createSqliteStore } from '../src/sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-bench-'))
await runStoreWritesBenchmark(() => createSqliteStore({ path: join(dir, 'bench.db') }), {
  cleanup: () => rmSync(dir, { recursive: true, force: true }),
})
