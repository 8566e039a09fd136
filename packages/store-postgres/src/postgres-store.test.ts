import { storeConformance, usageRecord } from '@aimux/ai-testing/conformance'
import { Pool } from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../test/test-database.js'
import { createPostgresStore } from './postgres-store.js'

const pool = new Pool({ connectionString: testDatabaseUrl })
const schemas: string[] = []
afterAll(async () => {
  await dropSchemas(schemas)
  await pool.end()
})

storeConformance({
  name: 'postgres',
  create() {
    const schema = freshSchemaName()
    schemas.push(schema)
    return createPostgresStore({ pool, schema })
  },
  fresh: true,
})

describe('postgres specifics', () => {
  const wholeRange = { from: new Date(0), to: new Date('2100-01-01T00:00:00.000Z') }
  const open = () => {
    const schema = freshSchemaName()
    schemas.push(schema)
    return createPostgresStore({ pool, schema })
  }

  it('writes 5000 records in one batch, and a batch all or nothing', async () => {
    const store = await open()
    await store.usage.recordUsage(Array.from({ length: 5_000 }, (_, i) => usageRecord({ costNanoUsd: i })))
    expect(await store.usage.queryUsage(wholeRange)).toMatchObject([
      { requests: 5_000, costNanoUsd: (4_999 * 5_000) / 2 },
    ])

    const batch = [5, 1.5, 7].map((costNanoUsd) => usageRecord({ costNanoUsd }))
    await expect(store.usage.recordUsage(batch)).rejects.toMatchObject({ code: 'store' })
    expect(await store.usage.getUsage(batch[0]!.requestId)).toBeUndefined()
    expect(await store.usage.queryUsage(wholeRange)).toMatchObject([{ requests: 5_000 }])
  })

  it('writes usage batches of stores in two schemas over one connection, each into its own', async () => {
    // One connection for both: nothing a store keeps on it (a statement, a search path) may leak.
    const single = new Pool({ connectionString: testDatabaseUrl, max: 1 })
    try {
      const [a, b] = [freshSchemaName(), freshSchemaName()]
      schemas.push(a, b)
      const first = await createPostgresStore({ pool: single, schema: a })
      const second = await createPostgresStore({ pool: single, schema: b })
      for (let round = 0; round < 3; round++) {
        await first.usage.recordUsage([usageRecord({ costNanoUsd: 1 }), usageRecord({ costNanoUsd: 2 })])
        await second.usage.recordUsage([usageRecord({ costNanoUsd: 10 })])
      }
      for (const percentiles of [true, false] as const) {
        expect(await first.usage.queryUsage({ ...wholeRange, percentiles })).toMatchObject([
          { requests: 6, costNanoUsd: 9 },
        ])
        expect(await second.usage.queryUsage({ ...wholeRange, percentiles })).toMatchObject([
          { requests: 3, costNanoUsd: 30 },
        ])
      }
    } finally {
      await single.end()
    }
  })

  it('keeps the last of two models or prices with one key in a batch', async () => {
    const store = await open()
    await store.catalog.upsertModels([
      { provider: 'p', id: 'm', name: 'first', capabilities: {} },
      { provider: 'p', id: 'm', name: 'second', capabilities: {} },
    ])
    expect(await store.catalog.listModels()).toEqual([
      { provider: 'p', id: 'm', name: 'second', capabilities: {} },
    ])
    const effectiveFrom = new Date('2026-01-01T00:00:00.000Z')
    await store.catalog.upsertPrices([
      { provider: 'p', model: 'm', effectiveFrom, price: { input: 1, output: 2 } },
      { provider: 'p', model: 'm', effectiveFrom, price: { input: 3, output: 4 } },
    ])
    expect(await store.catalog.listPrices()).toEqual([
      { provider: 'p', model: 'm', effectiveFrom, price: { input: 3, output: 4 } },
    ])
  })

  it('settles and reserves at once on shared keys without a deadlock', async () => {
    const store = await open()
    const keys = ['a', 'b', 'c'].map(
      (scopeId) => ({ scope: 'user', scopeId, period: 'month', periodStart: '2026-11-01' }) as const,
    )
    const rounds = Array.from({ length: 40 }, (_, i) => ({
      id: `r${i}`,
      keys: (i % 2 === 0 ? keys : [...keys].reverse()).map((key) => ({ key, limitNanoUsd: 1_000_000 })),
    }))
    await Promise.all(
      rounds.map(async ({ id, keys }) => {
        expect(await store.spend.reserve({ reservationId: id, amountNanoUsd: 10, keys })).toEqual({
          ok: true,
        })
        await store.spend.settle(id, 7)
      }),
    )
    for (const key of keys)
      expect(await store.spend.getSpend(key)).toEqual({ spentNanoUsd: 280, reservedNanoUsd: 0 })
  })
})
