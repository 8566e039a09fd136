import { randomUUID } from 'node:crypto'
import type { BatchJob, Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'

/** A job of its own id (unique across runs), submitted at `createdAt`, with `fields` over the defaults. */
function batchJob(fields: Partial<BatchJob> = {}): BatchJob {
  const id = `batch_${randomUUID()}`
  const at = fields.createdAt ?? new Date('2026-11-22T12:00:00.123Z')
  return {
    id,
    provider: 'openai',
    model: 'gpt-4o-mini',
    providerBatchId: `pb_${id}`,
    status: 'submitted',
    counts: { total: 2, succeeded: 0, failed: 0, pending: 2 },
    scope: {},
    requests: [
      { customId: 'a', requestId: `${id}:a` },
      { customId: 'b', requestId: `${id}:b` },
    ],
    createdAt: at,
    updatedAt: at,
    ...fields,
  }
}

/** Batch jobs: stored as given, refreshed, listed newest first, settled exactly once. */
export function batchesSuite(currentStore: () => Store): void {
  describe('batch jobs', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    /** The ids of `list()` among `ids`, in the order listed: other tests may share the database. */
    const listed = async (ids: readonly string[], options?: Parameters<Store['batches']['list']>[0]) => {
      const own = new Set(ids)
      return (await store.batches.list(options)).filter((job) => own.has(job.id)).map((job) => job.id)
    }

    it('reads a job back with every field, times to the millisecond', async () => {
      const job = batchJob({
        scope: { tenantId: 't1', userId: 'u1', projectId: 'p1' },
        reservation: {
          id: 'r1',
          amountNanoUsd: 9_007_199_254_740,
          keys: [
            {
              key: { scope: 'user', scopeId: 'u1', period: 'month', periodStart: '2026-11-01' },
              budget: { hard: true, thresholds: [0.8, 1] },
              limitNanoUsd: 5_000_000_000,
            },
          ],
          expiresAt: new Date('2026-11-23T13:00:00.456Z'),
        },
        expiresAt: new Date('2026-11-23T12:00:00.001Z'),
        metadata: { purpose: 'nightly', n: 1.5, tags: ['a'] },
      })
      await store.batches.create(job)
      const read = await store.batches.get(job.id)
      expect(read).toEqual(job)
      expect(read!.reservation!.expiresAt).toBeInstanceOf(Date)
      expect(read!.createdAt.getTime()).toBe(job.createdAt.getTime())
    })

    it('leaves the optional fields of a bare job out, and refuses an id stored already', async () => {
      const job = batchJob()
      await store.batches.create(job)
      expect(await store.batches.get(job.id)).toStrictEqual(job)
      await expect(store.batches.create(job)).rejects.toMatchObject({ name: 'StoreError' })
      expect(await store.batches.get('batch_missing')).toBeUndefined()
    })

    it('applies a refresh, keeping the fields it leaves out', async () => {
      const job = batchJob({ expiresAt: new Date('2026-11-23T12:00:00.001Z') })
      await store.batches.create(job)
      const updatedAt = new Date('2026-11-22T13:00:00.789Z')
      const endedAt = new Date('2026-11-22T12:59:00.001Z')
      const counts = { total: 2, succeeded: 1, failed: 1, pending: 0 }
      const updated = await store.batches.update(job.id, { status: 'completed', counts, updatedAt, endedAt })
      const expected = { ...job, status: 'completed', counts, updatedAt, endedAt }
      expect(updated).toEqual(expected)
      expect(await store.batches.get(job.id)).toEqual(expected)
      const failed = await store.batches.update(job.id, {
        status: 'failed',
        counts,
        updatedAt,
        error: 'bad file',
      })
      expect(failed).toMatchObject({ status: 'failed', error: 'bad file', endedAt })
      expect(
        await store.batches.update('batch_missing', { status: 'failed', counts, updatedAt }),
      ).toBeUndefined()
    })

    it('settles a job once, of many settlements at once', async () => {
      const job = batchJob()
      await store.batches.create(job)
      const at = new Date('2026-11-22T14:00:00.001Z')
      const wins = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.batches.settle(job.id, { at, costNanoUsd: 1_000 + i })),
      )
      expect(wins.filter(Boolean)).toHaveLength(1)
      const settled = await store.batches.get(job.id)
      expect(settled!.settledAt).toEqual(at)
      expect(settled!.costNanoUsd).toBe(1_000 + wins.indexOf(true))
      expect(await store.batches.settle(job.id, { at, costNanoUsd: 5 })).toBe(false)
      expect(await store.batches.settle('batch_missing', { at, costNanoUsd: 5 })).toBe(false)
    })

    it('lists jobs newest first, filtered by status, provider and scope, at most `limit`', async () => {
      const tenantId = `t_${randomUUID()}`
      const older = batchJob({
        scope: { tenantId, userId: 'u1' },
        createdAt: new Date('2026-11-01T00:00:00.000Z'),
      })
      const newer = batchJob({
        scope: { tenantId, userId: 'u2', projectId: 'p1' },
        provider: 'anthropic',
        status: 'in_progress',
        createdAt: new Date('2026-11-02T00:00:00.000Z'),
      })
      const newest = batchJob({ scope: { tenantId }, createdAt: new Date('2026-11-03T00:00:00.000Z') })
      for (const job of [older, newest, newer]) await store.batches.create(job)
      const ids = [older.id, newer.id, newest.id]
      expect(await listed(ids, { tenantId })).toEqual([newest.id, newer.id, older.id])
      expect(await listed(ids, { tenantId, userId: 'u1' })).toEqual([older.id])
      expect(await listed(ids, { tenantId, projectId: 'p1' })).toEqual([newer.id])
      expect(await listed(ids, { tenantId, provider: 'anthropic' })).toEqual([newer.id])
      expect(await listed(ids, { tenantId, status: 'submitted' })).toEqual([newest.id, older.id])
      expect(await listed(ids, { tenantId, limit: 2 })).toEqual([newest.id, newer.id])
    })
  })
}
