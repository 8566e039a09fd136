import { randomUUID } from 'node:crypto'
import type { Store, UsageAggregate, UsageQuery } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { range, usageRecord, wholeRange } from './fixtures.js'

/** Usage records and the analytics queries over them. */
export function usageSuite(currentStore: () => Store): void {
  describe('usage', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    it('stores a record and reads it back', async () => {
      const record = usageRecord({
        tenantId: 't1',
        userId: 'u1',
        projectId: 'p1',
        connectionId: 'c1',
        conversationId: randomUUID(),
        inputTokens: 10,
        cachedInputTokens: 4,
        cacheWriteTokens: 2,
        outputTokens: 20,
        reasoningTokens: 5,
        totalTokens: 30,
        costNanoUsd: 987_654_321,
        costSource: 'provider',
        latencyMs: 812,
        timeToFirstTokenMs: 120,
        success: false,
        errorCode: 'rate-limit',
        stream: true,
        steps: 3,
      })
      const written = structuredClone(record)
      await store.usage.recordUsage([record])
      record.costNanoUsd = 1
      const read = await store.usage.getUsage(record.requestId)
      expect(read).toEqual(written)
      read!.inputTokens = 0
      expect(await store.usage.getUsage(record.requestId)).toEqual(written)
      expect(await store.usage.getUsage(randomUUID())).toBeUndefined()
    })

    it('ignores a second record with the same requestId', async () => {
      const tenantId = randomUUID()
      const record = usageRecord({ tenantId, costNanoUsd: 100, inputTokens: 7 })
      await store.usage.recordUsage([record])
      await store.usage.recordUsage([{ ...record, costNanoUsd: 999, inputTokens: 1 }])
      const twin = usageRecord({ tenantId, costNanoUsd: 5 })
      await store.usage.recordUsage([twin, { ...twin, costNanoUsd: 6 }])

      expect(await store.usage.getUsage(record.requestId)).toMatchObject({
        costNanoUsd: 100,
        inputTokens: 7,
      })
      expect(await store.usage.getUsage(twin.requestId)).toMatchObject({ costNanoUsd: 5 })
      const [total] = await store.usage.queryUsage({ ...wholeRange, tenantId })
      expect(total).toMatchObject({ key: 'total', requests: 2, costNanoUsd: 105, inputTokens: 7 })
    })

    it('sums every field into one "total" row without groupBy', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({
          tenantId,
          inputTokens: 100,
          cachedInputTokens: 20,
          cacheWriteTokens: 10,
          outputTokens: 50,
          reasoningTokens: 5,
          totalTokens: 150,
          costNanoUsd: 1_000_000_001,
          latencyMs: 100,
        }),
        usageRecord({
          tenantId,
          inputTokens: 200,
          outputTokens: 80,
          totalTokens: 280,
          costNanoUsd: 2_000_000_002,
          latencyMs: 300,
          success: false,
        }),
        usageRecord({ tenantId, inputTokens: 1, totalTokens: 1, costNanoUsd: 3, latencyMs: 200 }),
        usageRecord({ tenantId, latencyMs: 400 }),
      ])
      const rows = await store.usage.queryUsage({ ...wholeRange, tenantId })
      expect(rows).toHaveLength(1)
      expectAggregate(rows[0]!, {
        key: 'total',
        inputTokens: 301,
        cachedInputTokens: 20,
        cacheWriteTokens: 10,
        outputTokens: 130,
        reasoningTokens: 5,
        totalTokens: 431,
        requests: 4,
        errors: 1,
        errorRate: 0.25,
        costNanoUsd: 3_000_000_006,
        latencyP50Ms: 250,
        latencyP95Ms: 385,
        latencyP99Ms: 397,
      })
    })

    it('sums amounts past 32 bits exactly', async () => {
      const tenantId = randomUUID()
      const cost = 9_000_000_007
      await store.usage.recordUsage(
        Array.from({ length: 1_000 }, () => usageRecord({ tenantId, costNanoUsd: cost })),
      )
      const [total] = await store.usage.queryUsage({ ...wholeRange, tenantId })
      expect(total!.costNanoUsd).toBe(cost * 1_000)
    })

    it('returns one zero "total" row when nothing matches, and no rows for a grouped query', async () => {
      const tenantId = randomUUID()
      expect(await store.usage.queryUsage({ ...wholeRange, tenantId })).toEqual([
        {
          key: 'total',
          inputTokens: 0,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          totalTokens: 0,
          requests: 0,
          errors: 0,
          errorRate: 0,
          costNanoUsd: 0,
          latencyP50Ms: 0,
          latencyP95Ms: 0,
          latencyP99Ms: 0,
        },
      ])
      expect(await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'model' })).toEqual([])
    })

    it('computes latency percentiles as percentile_cont does', async () => {
      const tenantId = randomUUID()
      const latencies = [70, 10, 100, 40, 20, 90, 60, 30, 80, 50]
      await store.usage.recordUsage(latencies.map((latencyMs) => usageRecord({ tenantId, latencyMs })))
      const [row] = await store.usage.queryUsage({ ...wholeRange, tenantId })
      expect(row!.latencyP50Ms).toBeCloseTo(55, 9)
      expect(row!.latencyP95Ms).toBeCloseTo(95.5, 9)
      expect(row!.latencyP99Ms).toBeCloseTo(99.1, 9)

      const twelve = randomUUID()
      await store.usage.recordUsage(
        range(1, 12).map((i) => usageRecord({ tenantId: twelve, latencyMs: i * 10 })),
      )
      const [row12] = await store.usage.queryUsage({ ...wholeRange, tenantId: twelve })
      expect(row12!.latencyP50Ms).toBeCloseTo(65, 9)
      expect(row12!.latencyP95Ms).toBeCloseTo(114.5, 9)
      expect(row12!.latencyP99Ms).toBeCloseTo(118.9, 9)

      const single = randomUUID()
      await store.usage.recordUsage([usageRecord({ tenantId: single, latencyMs: 42 })])
      expect(await store.usage.queryUsage({ ...wholeRange, tenantId: single })).toMatchObject([
        { latencyP50Ms: 42, latencyP95Ms: 42, latencyP99Ms: 42 },
      ])
    })

    it('groups by provider and by model, sorted by key', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({ tenantId, provider: 'openai', model: 'gpt-4o-mini', costNanoUsd: 10, latencyMs: 10 }),
        usageRecord({ tenantId, provider: 'openai', model: 'gpt-4o', costNanoUsd: 20, latencyMs: 20 }),
        usageRecord({ tenantId, provider: 'anthropic', model: 'claude', costNanoUsd: 40, latencyMs: 30 }),
        usageRecord({
          tenantId,
          provider: 'openai',
          model: 'gpt-4o-mini',
          costNanoUsd: 80,
          success: false,
        }),
      ])
      const byProvider = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'provider' })
      expect(byProvider).toMatchObject([
        { key: 'anthropic', requests: 1, errors: 0, errorRate: 0, costNanoUsd: 40 },
        { key: 'openai', requests: 3, errors: 1, costNanoUsd: 110 },
      ])
      expect(byProvider[1]!.errorRate).toBeCloseTo(1 / 3, 12)

      const byModel = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'model' })
      expect(byModel.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
        ['claude', 1, 40],
        ['gpt-4o', 1, 20],
        ['gpt-4o-mini', 2, 90],
      ])
    })

    it('groups by user and by tenant, with "" for records without one', async () => {
      const provider = `p-${randomUUID()}`
      await store.usage.recordUsage([
        usageRecord({ provider, tenantId: 'tenant-b', userId: 'u2', costNanoUsd: 1 }),
        usageRecord({ provider, tenantId: 'tenant-a', userId: 'u1', costNanoUsd: 2 }),
        usageRecord({ provider, tenantId: 'tenant-a', costNanoUsd: 4 }),
        usageRecord({ provider, userId: 'u1', costNanoUsd: 8 }),
      ])
      const byUser = await store.usage.queryUsage({ ...wholeRange, provider, groupBy: 'user' })
      expect(byUser.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
        ['', 1, 4],
        ['u1', 2, 10],
        ['u2', 1, 1],
      ])
      const byTenant = await store.usage.queryUsage({ ...wholeRange, provider, groupBy: 'tenant' })
      expect(byTenant.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
        ['', 1, 8],
        ['tenant-a', 2, 6],
        ['tenant-b', 1, 1],
      ])
    })

    it('groups by UTC day across midnight', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({ tenantId, createdAt: new Date('2026-11-21T23:59:59.999Z'), costNanoUsd: 1 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-22T00:00:00.000Z'), costNanoUsd: 2 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-22T23:30:00.000Z'), costNanoUsd: 4 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-20T12:00:00.000Z'), costNanoUsd: 8 }),
      ])
      const rows = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'day' })
      expect(rows.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
        ['2026-11-20', 1, 8],
        ['2026-11-21', 1, 1],
        ['2026-11-22', 2, 6],
      ])
    })

    it('includes `from` and excludes `to`', async () => {
      const tenantId = randomUUID()
      const from = new Date('2026-11-01T00:00:00.000Z')
      const to = new Date('2026-11-02T00:00:00.000Z')
      await store.usage.recordUsage([
        usageRecord({ tenantId, createdAt: new Date(from.getTime() - 1), costNanoUsd: 1 }),
        usageRecord({ tenantId, createdAt: from, costNanoUsd: 2 }),
        usageRecord({ tenantId, createdAt: new Date(to.getTime() - 1), costNanoUsd: 4 }),
        usageRecord({ tenantId, createdAt: to, costNanoUsd: 8 }),
      ])
      expect(await store.usage.queryUsage({ from, to, tenantId })).toMatchObject([
        { key: 'total', requests: 2, costNanoUsd: 6 },
      ])
    })

    it('filters by user, project, provider and model', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({
          tenantId,
          userId: 'u1',
          projectId: 'p1',
          provider: 'openai',
          model: 'a',
          costNanoUsd: 1,
        }),
        usageRecord({
          tenantId,
          userId: 'u1',
          projectId: 'p2',
          provider: 'openai',
          model: 'b',
          costNanoUsd: 2,
        }),
        usageRecord({
          tenantId,
          userId: 'u2',
          projectId: 'p1',
          provider: 'gemini',
          model: 'a',
          costNanoUsd: 4,
        }),
      ])
      const cost = async (filter: Pick<UsageQuery, 'userId' | 'projectId' | 'provider' | 'model'>) =>
        (await store.usage.queryUsage({ ...wholeRange, tenantId, ...filter }))[0]!.costNanoUsd
      expect(await cost({})).toBe(7)
      expect(await cost({ userId: 'u1' })).toBe(3)
      expect(await cost({ projectId: 'p1' })).toBe(5)
      expect(await cost({ provider: 'openai' })).toBe(3)
      expect(await cost({ model: 'a' })).toBe(5)
      expect(await cost({ userId: 'u1', projectId: 'p1', provider: 'openai', model: 'a' })).toBe(1)
    })
  })
}

function expectAggregate(actual: UsageAggregate, expected: UsageAggregate): void {
  const { latencyP50Ms, latencyP95Ms, latencyP99Ms, errorRate, ...exact } = expected
  expect(actual).toMatchObject(exact)
  expect(actual.errorRate).toBeCloseTo(errorRate, 12)
  expect(actual.latencyP50Ms).toBeCloseTo(latencyP50Ms, 9)
  expect(actual.latencyP95Ms).toBeCloseTo(latencyP95Ms, 9)
  expect(actual.latencyP99Ms).toBeCloseTo(latencyP99Ms, 9)
}
