// The process workloads over the memory store: each process has a store of its own, so a worker's
// protocol can be checked, and the checks must fail, since nothing is shared.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createMemoryStore } from '@aimux/ai-core'
import { afterAll, expect, it } from 'vitest'
import { type LineWorker, startLineWorker } from '../line-worker.js'
import { checkCrashMidWrite } from './crash-mid-write.js'
import { checkReservationsAcrossProcesses } from './reservations-across-processes.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-store-checks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const hooks = new URL('../../test/workspace-source-hooks.ts', import.meta.url).href

/** Starts a process that runs `run` (exported by `module` beside this file) over a memory store. */
function memoryStoreWorker(module: string, run: string): () => LineWorker {
  const script = join(dir, `${run}.mts`)
  writeFileSync(
    script,
    `import { createMemoryStore } from '@aimux/ai-core'
import { ${run} } from ${JSON.stringify(new URL(module, import.meta.url).href)}
await ${run}(async () => createMemoryStore())`,
  )
  return () => startLineWorker(pathToFileURL(script), [], { execArgv: ['--import', hooks] })
}

const reserveWorker = memoryStoreWorker('./reserve-worker.ts', 'runReserveWorker')
const usageWriter = memoryStoreWorker('./usage-writer.ts', 'runUsageWriter')

it('runs a reserve worker: ready, then its workload from stdin, then a summary', async () => {
  const worker = reserveWorker()
  expect(await worker.nextLine()).toBe('ready')
  worker.send(JSON.stringify({ worker: 'w0', reservations: 10, amountNanoUsd: 1_000, limitNanoUsd: 3_000 }))
  worker.end()
  expect(JSON.parse(await worker.nextLine())).toEqual({ granted: 3, overLimit: 0 })
  expect(await worker.exited).toEqual({ code: 0, signal: null })
})

it('fails a reserve worker given a workload that is not one', async () => {
  const worker = reserveWorker()
  expect(await worker.nextLine()).toBe('ready')
  worker.send(JSON.stringify({ worker: 'w0', reservations: -1 }))
  worker.end()
  expect((await worker.exited).code).not.toBe(0)
})

it('finds the overspend when each process has a budget of its own', async () => {
  await expect(
    checkReservationsAcrossProcesses({
      workers: 2,
      reservations: 8,
      start: reserveWorker,
      open: async () => createMemoryStore(),
    }),
  ).rejects.toThrow(/expected 12 to be 6/)
})

it('runs a usage writer: batches of ten request ids until it is killed', async () => {
  const writer = usageWriter()
  for (let i = 0; i < 3; i++) expect((await writer.nextLine()).split(',')).toHaveLength(10)
  writer.child.kill('SIGKILL')
  expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' })
})

it('finds the records missing when the writer’s store did not keep them', async () => {
  let killed = false
  await expect(
    checkCrashMidWrite({
      start: usageWriter,
      open: async () => createMemoryStore(),
      afterKill: () => {
        killed = true
      },
      acknowledged: 20,
    }),
  ).rejects.toThrow(/expected \[ …\(20\) \] to deeply equal \[\]/)
  expect(killed).toBe(true)
})
