import { checkBudgetAcrossProcesses, checkReservationsAcrossProcesses } from '@aimux/ai-testing/conformance'
import { afterAll, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'

const schema = freshSchemaName()
const leaseSchema = freshSchemaName()
afterAll(() => dropSchemas([schema, leaseSchema]))

const workers = 4
const reservations = 200

it(`keeps ${workers} processes × ${reservations} reservations within one budget and loses no usage record`, async () => {
  // The workers start on a schema that does not exist yet, so they also race to create it.
  await checkReservationsAcrossProcesses({
    workers,
    reservations,
    start: () => startWorker('./reserve-worker.ts', [testDatabaseUrl, schema]),
    open: () => createPostgresStore({ connectionString: testDatabaseUrl, schema }),
  })
}, 120_000)

it('keeps 8 processes calling through createAI, with budget leases, within one hard budget', async () => {
  await checkBudgetAcrossProcesses({
    start: () => startWorker('./spend-worker.ts', [testDatabaseUrl, leaseSchema]),
    open: () => createPostgresStore({ connectionString: testDatabaseUrl, schema: leaseSchema }),
  })
}, 180_000)
