import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkCrashMidWrite } from '@aimux/ai-testing/conformance'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { startWorker } from '../test/processes/worker.js'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('keeps every usage record a process acknowledged before it was killed with SIGKILL', async () => {
  const path = join(dir, 'crash.db')
  await checkCrashMidWrite({
    start: () => startWorker('./usage-writer.ts', [path]),
    afterKill() {
      const check = new Database(path, { readonly: true })
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
      check.close()
    },
    open: () => createSqliteStore({ path }),
  })
}, 60_000)
