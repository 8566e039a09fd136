import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeConformance, usageRecord } from '@aimux/ai-testing/conformance'
import { afterAll, describe, expect, it } from 'vitest'
import { createSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-sqlite-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

storeConformance({
  name: 'sqlite',
  create: () => createSqliteStore({ path: join(dir, `store-${++files}.db`) }),
  fresh: true,
})

describe('sqlite specifics', () => {
  it('writes a usage batch all or nothing, and refuses an amount that is not an integer', async () => {
    const store = await createSqliteStore({ path: join(dir, `store-${++files}.db`) })
    const batch = [5, 1.5, 7].map((costNanoUsd) => usageRecord({ costNanoUsd }))
    await expect(store.usage.recordUsage(batch)).rejects.toMatchObject({ code: 'store' })
    expect(await store.usage.getUsage(batch[0]!.requestId)).toBeUndefined()
    expect(
      await store.usage.queryUsage({ from: new Date(0), to: new Date(Date.UTC(2100, 0)) }),
    ).toMatchObject([{ requests: 0 }])
    await store.close()
  })

  it('works in memory, and fails with a StoreError once closed (closing twice is fine)', async () => {
    const store = await createSqliteStore({ path: ':memory:' })
    await store.catalog.upsertModels([{ provider: 'p', id: 'm', capabilities: {} }])
    expect(await store.catalog.listModels()).toEqual([{ provider: 'p', id: 'm', capabilities: {} }])
    await store.close()
    await store.close()
    await expect(store.catalog.listModels()).rejects.toMatchObject({
      code: 'store',
      message: expect.stringMatching(/listModels failed/),
    })
  })
})
