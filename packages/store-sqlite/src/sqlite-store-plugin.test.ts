import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkSecondStoreRefused, checkStorePlugin } from '@aimux/ai-testing/conformance'
import { afterAll, expect, it } from 'vitest'
import { createSqliteStore } from './sqlite-store.js'
import { sqliteStore } from './sqlite-store-plugin.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-plugin-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('registers the store, keeps what an instance wrote, and closes the database with the instance', async () => {
  const path = join(dir, 'app.db')
  await checkStorePlugin({
    plugin: sqliteStore({ path }),
    storeName: 'sqlite',
    // SQLite removes the write-ahead log when the last connection to the file closes.
    afterClose: () => expect(existsSync(`${path}-wal`)).toBe(false),
    open: () => createSqliteStore({ path }),
  })
})

it('closes the database it opened when another store plugin is already registered', async () => {
  const path = join(dir, 'second.db')
  await checkSecondStoreRefused(sqliteStore({ path }))
  expect(existsSync(path)).toBe(true)
  expect(existsSync(`${path}-wal`)).toBe(false)
})
