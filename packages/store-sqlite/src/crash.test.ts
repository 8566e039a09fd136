import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('keeps every usage record a process acknowledged before it was killed with SIGKILL', async () => {
  const path = join(dir, 'crash.db')
  const tenantId = 'tenant-crash'
  const writer = startWorker('./usage-writer.ts', [path, tenantId])
  const acknowledged: string[] = []
  while (acknowledged.length < 500) acknowledged.push(...(await writer.nextLine()).split(','))
  writer.child.kill('SIGKILL')
  expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' })

  const check = new Database(path, { readonly: true })
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
  check.close()

  const store = await createSqliteStore({ path })
  try {
    const missing = []
    for (const requestId of acknowledged)
      if (!(await store.usage.getUsage(requestId))) missing.push(requestId)
    expect(missing).toEqual([])
    const [total] = await store.usage.queryUsage({
      from: new Date(0),
      to: new Date(Date.now() + 60_000),
      tenantId,
    })
    expect(total!.requests).toBeGreaterThanOrEqual(acknowledged.length)
    expect(total!.requests % 10).toBe(0)
    expect(total!.costNanoUsd).toBe(total!.requests * 1_234)
  } finally {
    await store.close()
  }
}, 60_000)
