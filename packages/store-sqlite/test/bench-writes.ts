// Measures how many usage records per second the SQLite store writes, batched as the usage sink
// batches them, and how many reserve-then-settle pairs per second it makes:
//   pnpm --filter @aimux/store-sqlite bench [records] [batch size]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchmarkStoreWrites } from '@aimux/ai-testing'
import { createSqliteStore } from '../src/sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-bench-'))
const store = await createSqliteStore({ path: join(dir, 'bench.db') })
try {
  await benchmarkStoreWrites(store, {
    records: Number(process.argv[2] ?? 100_000),
    batchSize: Number(process.argv[3] ?? 100),
  })
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
