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

  it('counts each request id once over a batch longer than one statement, the first given winning', async () => {
    const store = await createSqliteStore({ path: join(dir, `store-${++files}.db`) })
    const stored = usageRecord({ requestId: 'stored', userId: 'u0', costNanoUsd: 7 })
    await store.usage.recordUsage([stored])
    // 250 records in one batch: r3 again soon after, r10 again 140 records later, and the stored
    // record again, each with another cost and user.
    const batch = Array.from({ length: 250 }, (_, i) =>
      usageRecord({ requestId: `r${i}`, userId: `u${i % 7}`, costNanoUsd: 1_000 + i, latencyMs: i }),
    )
    batch[5] = { ...batch[3]!, userId: 'late', costNanoUsd: 1 }
    batch[150] = { ...batch[10]!, userId: 'late', costNanoUsd: 1 }
    batch[200] = { ...stored, userId: 'late', costNanoUsd: 1 }
    await store.usage.recordUsage(batch)

    expect(await store.usage.getUsage('r3')).toMatchObject({ userId: 'u3', costNanoUsd: 1_003 })
    expect(await store.usage.getUsage('r10')).toMatchObject({ userId: 'u3', costNanoUsd: 1_010 })
    expect(await store.usage.getUsage('stored')).toMatchObject({ userId: 'u0', costNanoUsd: 7 })
    const kept = [stored, ...batch.filter((_, i) => i !== 5 && i !== 150 && i !== 200)]
    const byUser = new Map<string, { requests: number; costNanoUsd: number }>()
    for (const record of kept) {
      const sums = byUser.get(record.userId!) ?? { requests: 0, costNanoUsd: 0 }
      sums.requests++
      sums.costNanoUsd += record.costNanoUsd
      byUser.set(record.userId!, sums)
    }
    const expected = [...byUser].sort(([a], [b]) => (a < b ? -1 : 1))
    // A whole day: the per-day sums answer without percentiles, the records with them.
    const day = { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') }
    for (const percentiles of [true, false, 'approximate'] as const) {
      const rows = await store.usage.queryUsage({ ...day, groupBy: 'user', percentiles })
      expect(rows.map((row) => [row.key, { requests: row.requests, costNanoUsd: row.costNanoUsd }])).toEqual(
        expected,
      )
      const [total] = await store.usage.queryUsage({ ...day, groupBy: 'model', percentiles })
      expect(total).toMatchObject({
        requests: 248,
        costNanoUsd: 7 + kept.slice(1).reduce((a, r) => a + r.costNanoUsd, 0),
      })
    }
    const [approximate] = await store.usage.queryUsage({
      ...day,
      groupBy: 'model',
      percentiles: 'approximate',
    })
    const [exact] = await store.usage.queryUsage({ ...day, groupBy: 'model', percentiles: true })
    expect(approximate!.latencyP99Ms).toBeGreaterThanOrEqual(exact!.latencyP99Ms)
    await store.close()
  })

  it('keeps apart per-day groups whose keys joined into one string would be the same', async () => {
    const store = await createSqliteStore({ path: join(dir, `store-${++files}.db`) })
    const keys = [
      { userId: 'a\u0000b', projectId: 'c' },
      { userId: 'a', projectId: 'b\u0000c' },
      { userId: 'a,b', projectId: 'c' },
      { userId: 'a', projectId: 'b,c' },
    ]
    // Two batches: groups made in one batch, then added to in the per-day tables by the next.
    for (const round of [1, 2])
      await store.usage.recordUsage(
        keys.map((key, i) => usageRecord({ ...key, costNanoUsd: 10 ** i * round, inputTokens: round })),
      )
    const day = { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') }
    for (const percentiles of [true, false] as const) {
      const rows = await store.usage.queryUsage({ ...day, groupBy: ['user', 'project'], percentiles })
      expect(rows.map((row) => [...row.keys, row.requests, row.costNanoUsd, row.inputTokens]).sort()).toEqual(
        [
          ['a\u0000b', 'c', 2, 3, 3],
          ['a', 'b\u0000c', 2, 30, 3],
          ['a,b', 'c', 2, 300, 3],
          ['a', 'b,c', 2, 3_000, 3],
        ].sort(),
      )
    }
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
