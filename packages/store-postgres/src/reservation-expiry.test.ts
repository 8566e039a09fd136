import { checkReservationsExpireAfterCrash } from '@aimux/ai-testing/conformance'
import { afterAll, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'

const schema = freshSchemaName()
afterAll(() => dropSchemas([schema]))

it('lets the next call through once the reservations of 3 processes killed mid-call expire', async () => {
  // Created before the workers start, so that they do not race to create the schema.
  await (await createPostgresStore({ connectionString: testDatabaseUrl, schema })).close()
  await checkReservationsExpireAfterCrash({
    start: () => startWorker('./budget-worker.ts', [testDatabaseUrl, schema]),
    open: () => createPostgresStore({ connectionString: testDatabaseUrl, schema }),
  })
}, 120_000)
