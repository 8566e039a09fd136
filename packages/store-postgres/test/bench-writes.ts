// Measures how many usage records per second the PostgreSQL store writes, batched as the usage
// sink batches them, and how many reserve-then-settle pairs per second it makes, in a schema of
// its own that it drops at the end:
//   pnpm --filter @aimux/store-postgres bench [records] [batch size]
// The server is AIMUX_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/aimux_test.
import { runStoreWritesBenchmark } from '@aimux/ai-testing'
import { createPostgresStore } from '../src/postgres-store.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from './test-database.js'

const schema = freshSchemaName()
await runStoreWritesBenchmark(() => createPostgresStore({ connectionString: testDatabaseUrl, schema }), {
  cleanup: () => dropSchemas([schema]),
})
