import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkBudgetAcrossProcesses, checkReservationsAcrossProcesses } from '@aimux/ai-testing/conformance'
import { afterAll, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-processes-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const workers = 4
const reservations = 200

it(`keeps ${workers} processes × ${reservations} reservations within one budget and loses no usage record`, async () => {
  const path = join(dir, 'shared.db')
  // The workers open the new file at the same moment, so they also race to create its schema.
  await checkReservationsAcrossProcesses({
    workers,
    reservations,
    start: () => startWorker('./reserve-worker.ts', [path]),
    open: () => createSqliteStore({ path }),
  })
}, 120_000)

it('keeps 8 processes calling through createAI, with budget leases, within one hard budget', async () => {
  const path = join(dir, 'leases.db')
  await checkBudgetAcrossProcesses({
    start: () => startWorker('./spend-worker.ts', [path]),
    open: () => createSqliteStore({ path }),
  })
}, 180_000)
