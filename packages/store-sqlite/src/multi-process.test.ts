import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-processes-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const WORKERS = 4
const RESERVATIONS = 200
const AMOUNT = 1_000
const LIMIT = 300 * AMOUNT

it(`keeps ${WORKERS} processes × ${RESERVATIONS} reservations within one budget and loses no usage record`, async () => {
  const path = join(dir, 'shared.db')
  const tenantId = 'tenant-shared'
  // The workers open the new file at the same moment, so they also race to create its schema.
  const workers = Array.from({ length: WORKERS }, (_, i) =>
    startWorker('./reserve-worker.ts', [path, `w${i}`, tenantId, `${RESERVATIONS}`, `${AMOUNT}`, `${LIMIT}`]),
  )
  for (const worker of workers) expect(await worker.nextLine()).toBe('ready')
  for (const worker of workers) {
    worker.send('go')
    worker.end()
  }
  const summaries = await Promise.all(workers.map(async (worker) => JSON.parse(await worker.nextLine())))
  for (const worker of workers) expect(await worker.exited).toEqual({ code: 0, signal: null })

  const granted = summaries.reduce((sum, s) => sum + s.granted, 0)
  expect(granted).toBe(LIMIT / AMOUNT)
  expect(summaries.every((s) => s.overLimit === 0)).toBe(true)

  const store = await createSqliteStore({ path })
  try {
    const month = { scope: 'tenant', scopeId: tenantId, period: 'month', periodStart: '2026-11-01' } as const
    const total = { scope: 'global', scopeId: tenantId, period: 'total', periodStart: '1970-01-01' } as const
    expect(await store.spend.getSpend(month)).toEqual({ spentNanoUsd: LIMIT, reservedNanoUsd: 0 })
    expect(await store.spend.getSpend(total)).toEqual({ spentNanoUsd: LIMIT, reservedNanoUsd: 0 })
    const [usage] = await store.usage.queryUsage({
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
      tenantId,
    })
    expect(usage).toMatchObject({
      requests: WORKERS * RESERVATIONS,
      errors: WORKERS * RESERVATIONS - LIMIT / AMOUNT,
      costNanoUsd: LIMIT,
    })
    for (let w = 0; w < WORKERS; w++) {
      for (let i = 0; i < RESERVATIONS; i++) expect(await store.usage.getUsage(`w${w}-${i}`)).toBeDefined()
    }
  } finally {
    await store.close()
  }
}, 120_000)
