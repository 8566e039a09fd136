import { checkCrashMidWrite } from '@aimux/ai-testing/conformance'
import { afterAll, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'

const schema = freshSchemaName()
afterAll(() => dropSchemas([schema]))

it('keeps every usage record a process acknowledged before it was killed with SIGKILL', async () => {
  await checkCrashMidWrite({
    start: () => startWorker('./usage-writer.ts', [testDatabaseUrl, schema]),
    open: () => createPostgresStore({ connectionString: testDatabaseUrl, schema }),
  })
}, 60_000)
