import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkReservationsExpireAfterCrash } from '@aimux/ai-testing/conformance'
import { afterAll, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-expiry-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('lets the next call through once the reservations of 3 processes killed mid-call expire', async () => {
  const path = join(dir, 'budget.db')
  // Created before the workers start, so that they do not race to create the schema.
  await (await createSqliteStore({ path })).close()
  await checkReservationsExpireAfterCrash({
    start: () => startWorker('./budget-worker.ts', [path]),
    open: () => createSqliteStore({ path }),
  })
}, 120_000)
