// Measures how many usage records per second the PostgreSQL store writes, batched as the usage
// sink batches them, and how many reserve-then-settle pairs per second it makes, in a schema of
// its own that it drops at the end:
//   pnpm --filter @aimux/store-postgres bench [records] [batch size]
// The server is AIMUX_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/aimux_test.
import { benchmarkStoreWrites } from '@aimux/ai-testing'
import { createPostgresStore } from '../src/postgres-store.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from './test-database.js'

const schema = freshSchemaName()
const store = await createPostgresStore({ connectionString: testDatabaseUrl, schema })
try {
  await benchmarkStoreWrites(store, {
    records: Number(process.argv[2] ?? 100_000),
    batchSize: Number(process.argv[3] ?? 100),
  })
} finally {
  await store.close()
  await dropSchemas([schema])
}
