import { randomUUID } from 'node:crypto'
import type { Store, UsageAggregate, UsageQuery, UsageRecord } from '@aimux/ai-core'
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
        counts: { 'guardrails.redacted.email': 2, 'guardrails.blocked.denied-word': 1 },
      })
      const written = structuredClone(record)
      await store.usage.recordUsage([record])
      record.costNanoUsd = 1
      record.counts!['guardrails.redacted.email'] = 9
      const read = await store.usage.getUsage(record.requestId)
      expect(read).toEqual(written)
      read!.inputTokens = 0
      read!.counts!['guardrails.redacted.email'] = 7
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
        keys: ['total'],
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
          keys: ['total'],
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

    it('groups by UTC hour across midnight, keys that read back as the hour they start', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({ tenantId, createdAt: new Date('2026-11-21T23:59:59.999Z'), costNanoUsd: 1 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-22T00:00:00.000Z'), costNanoUsd: 2 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-22T00:59:59.999Z'), costNanoUsd: 4 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-22T01:00:00.000Z'), costNanoUsd: 8 }),
        usageRecord({ tenantId, createdAt: new Date('2026-11-21T09:30:00.000Z'), costNanoUsd: 16 }),
      ])
      const rows = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'hour' })
      expect(rows.map((r) => [r.key, r.keys, r.requests, r.costNanoUsd])).toEqual([
        ['2026-11-21T09:00Z', ['2026-11-21T09:00Z'], 1, 16],
        ['2026-11-21T23:00Z', ['2026-11-21T23:00Z'], 1, 1],
        ['2026-11-22T00:00Z', ['2026-11-22T00:00Z'], 2, 6],
        ['2026-11-22T01:00Z', ['2026-11-22T01:00Z'], 1, 8],
      ])
      expect(new Date(rows[2]!.key).toISOString()).toBe('2026-11-22T00:00:00.000Z')
    })

    it('groups by project, with "" for records without one', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({ tenantId, projectId: 'p2', costNanoUsd: 1 }),
        usageRecord({ tenantId, projectId: 'p1', costNanoUsd: 2 }),
        usageRecord({ tenantId, costNanoUsd: 4 }),
        usageRecord({ tenantId, projectId: 'p1', costNanoUsd: 8 }),
      ])
      const rows = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: 'project' })
      expect(rows.map((r) => [r.key, r.requests, r.costNanoUsd])).toEqual([
        ['', 1, 4],
        ['p1', 2, 10],
        ['p2', 1, 1],
      ])
    })

    it('groups by two dimensions, in the order asked, each group with its own percentiles', async () => {
      const tenantId = randomUUID()
      const day1 = new Date('2026-11-21T10:00:00.000Z')
      const day2 = new Date('2026-11-22T10:00:00.000Z')
      await store.usage.recordUsage([
        usageRecord({ tenantId, createdAt: day1, model: 'b', costNanoUsd: 1, latencyMs: 10 }),
        usageRecord({ tenantId, createdAt: day1, model: 'b', costNanoUsd: 2, latencyMs: 30, success: false }),
        usageRecord({ tenantId, createdAt: day1, model: 'a', costNanoUsd: 4, latencyMs: 50 }),
        usageRecord({ tenantId, createdAt: day2, model: 'b', costNanoUsd: 8, latencyMs: 70 }),
        usageRecord({ tenantId, createdAt: day2, model: 'a/x', costNanoUsd: 16, latencyMs: 90 }),
      ])
      const byDayAndModel = await store.usage.queryUsage({
        ...wholeRange,
        tenantId,
        groupBy: ['day', 'model'],
      })
      expect(byDayAndModel.map((r) => [r.keys, r.key, r.requests, r.errors, r.costNanoUsd])).toEqual([
        [['2026-11-21', 'a'], '2026-11-21 / a', 1, 0, 4],
        [['2026-11-21', 'b'], '2026-11-21 / b', 2, 1, 3],
        [['2026-11-22', 'a/x'], '2026-11-22 / a/x', 1, 0, 16],
        [['2026-11-22', 'b'], '2026-11-22 / b', 1, 0, 8],
      ])
      expect(byDayAndModel[1]).toMatchObject({ errorRate: 0.5, latencyP50Ms: 20 })
      expect(byDayAndModel[1]!.latencyP95Ms).toBeCloseTo(29, 9)

      const byModelAndDay = await store.usage.queryUsage({
        ...wholeRange,
        tenantId,
        groupBy: ['model', 'day'],
      })
      expect(byModelAndDay.map((r) => [r.keys, r.costNanoUsd])).toEqual([
        [['a', '2026-11-21'], 4],
        [['a/x', '2026-11-22'], 16],
        [['b', '2026-11-21'], 3],
        [['b', '2026-11-22'], 8],
      ])
      const single = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: ['model'] })
      expect(single.map((r) => [r.keys, r.key, r.costNanoUsd])).toEqual([
        [['a'], 'a', 4],
        [['a/x'], 'a/x', 16],
        [['b'], 'b', 11],
      ])
    })

    it('adds up two-level groups to the total exactly, past 32 bits', async () => {
      const tenantId = randomUUID()
      const records = range(0, 299).map((i) =>
        usageRecord({
          tenantId,
          createdAt: new Date(Date.UTC(2026, 10, 20 + (i % 3), i % 24, i % 60)),
          userId: `u${i % 7}`,
          model: `m${i % 4}`,
          costNanoUsd: 9_000_000_007 + i,
          inputTokens: i,
          success: i % 5 !== 0,
        }),
      )
      await store.usage.recordUsage(records)
      const [total] = await store.usage.queryUsage({ ...wholeRange, tenantId })
      const expected = records.reduce((sum, r) => sum + r.costNanoUsd, 0)
      expect(total).toMatchObject({ requests: 300, errors: 60, costNanoUsd: expected })
      for (const groupBy of [
        ['hour', 'model'],
        ['day', 'user'],
        ['tenant', 'project'],
      ] as const) {
        const rows = await store.usage.queryUsage({ ...wholeRange, tenantId, groupBy: [...groupBy] })
        expect(rows.reduce((sum, r) => sum + r.costNanoUsd, 0)).toBe(expected)
        expect(rows.reduce((sum, r) => sum + r.requests, 0)).toBe(300)
        expect(rows.reduce((sum, r) => sum + r.errors, 0)).toBe(60)
        expect(rows.reduce((sum, r) => sum + r.inputTokens, 0)).toBe((299 * 300) / 2)
      }
    })

    it('orders by cost or requests, highest first and ties by key, and cuts to the limit', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({ tenantId, userId: 'u1', costNanoUsd: 5 }),
        usageRecord({ tenantId, userId: 'u2', costNanoUsd: 30 }),
        usageRecord({ tenantId, userId: 'u3', costNanoUsd: 10 }),
        usageRecord({ tenantId, userId: 'u3', costNanoUsd: 10 }),
        usageRecord({ tenantId, userId: 'u4', costNanoUsd: 3 }),
        usageRecord({ tenantId, userId: 'u4', costNanoUsd: 2 }),
        usageRecord({ tenantId, userId: 'u4', costNanoUsd: 15 }),
      ])
      const query = { ...wholeRange, tenantId, groupBy: 'user' as const }
      const byCost = await store.usage.queryUsage({ ...query, orderBy: 'cost' })
      expect(byCost.map((r) => [r.key, r.costNanoUsd])).toEqual([
        ['u2', 30],
        ['u3', 20],
        ['u4', 20],
        ['u1', 5],
      ])
      const top2 = await store.usage.queryUsage({ ...query, orderBy: 'cost', limit: 2 })
      expect(top2.map((r) => r.key)).toEqual(['u2', 'u3'])
      const byRequests = await store.usage.queryUsage({ ...query, orderBy: 'requests', limit: 3 })
      expect(byRequests.map((r) => [r.key, r.requests])).toEqual([
        ['u4', 3],
        ['u3', 2],
        ['u1', 1],
      ])
      const first = await store.usage.queryUsage({ ...query, limit: 1 })
      expect(first.map((r) => r.key)).toEqual(['u1'])
    })

    it('leaves percentiles at 0 when asked for none, with the same sums and counts', async () => {
      const tenantId = randomUUID()
      await store.usage.recordUsage([
        usageRecord({ tenantId, model: 'a', costNanoUsd: 7, latencyMs: 100, success: false }),
        usageRecord({ tenantId, model: 'a', costNanoUsd: 9, latencyMs: 300 }),
        usageRecord({ tenantId, model: 'b', costNanoUsd: 11, latencyMs: 500 }),
      ])
      const query = { ...wholeRange, tenantId, groupBy: 'model' as const }
      const withPercentiles = await store.usage.queryUsage(query)
      const without = await store.usage.queryUsage({ ...query, percentiles: false })
      expect(withPercentiles[0]).toMatchObject({ latencyP50Ms: 200 })
      expect(without).toEqual(
        withPercentiles.map((row) => ({ ...row, latencyP50Ms: 0, latencyP95Ms: 0, latencyP99Ms: 0 })),
      )
    })

    it('answers alike with and without percentiles over whole and partial days, repeats ignored', async () => {
      const tenantId = randomUUID()
      const at = (iso: string, extra: Partial<UsageRecord> = {}) =>
        usageRecord({
          tenantId,
          createdAt: new Date(iso),
          costNanoUsd: 9_000_000_007,
          inputTokens: 3,
          ...extra,
        })
      const repeated = at('2026-11-21T12:00:00.000Z', { userId: 'u1' })
      await store.usage.recordUsage([
        at('2026-11-20T05:59:59.999Z', { userId: 'u1' }),
        at('2026-11-20T06:00:00.000Z', { userId: 'u1', success: false }),
        at('2026-11-20T23:59:59.999Z'),
        repeated,
        at('2026-11-22T00:00:00.000Z', { userId: 'u2', model: 'gpt-4o' }),
        at('2026-11-22T23:59:59.999Z', { userId: 'u2', costNanoUsd: 1 }),
        at('2026-11-23T17:59:59.999Z', { userId: 'u1' }),
        at('2026-11-23T18:00:00.000Z', { userId: 'u1' }),
      ])
      await store.usage.recordUsage([{ ...repeated, costNanoUsd: 5 }])
      const from = new Date('2026-11-20T06:00:00.000Z')
      const to = new Date('2026-11-23T18:00:00.000Z')
      for (const groupBy of [undefined, 'day', ['day', 'user'], ['model', 'tenant']] as const) {
        const query: UsageQuery = {
          from,
          to,
          tenantId,
          ...(groupBy ? { groupBy: groupBy as UsageQuery['groupBy'] } : {}),
        }
        const exact = await store.usage.queryUsage(query)
        const sums = await store.usage.queryUsage({ ...query, percentiles: false })
        expect(sums).toEqual(
          exact.map((row) => ({ ...row, latencyP50Ms: 0, latencyP95Ms: 0, latencyP99Ms: 0 })),
        )
      }
      expect(await store.usage.queryUsage({ from, to, tenantId, percentiles: false })).toMatchObject([
        { key: 'total', requests: 6, errors: 1, costNanoUsd: 9_000_000_007 * 5 + 1, inputTokens: 18 },
      ])
    })

    it('gives approximate percentiles from buckets about 5% wide, over whole and partial days alike', async () => {
      const provider = `p-${randomUUID()}`
      const tenantId = randomUUID()
      const at = (iso: string, latencyMs: number, model = 'a') =>
        usageRecord({ provider, tenantId, model, createdAt: new Date(iso), latencyMs, costNanoUsd: 2 })
      await store.usage.recordUsage([
        ...[70, 10, 100, 40, 20, 90, 60, 30, 80, 50].map((latency) =>
          at('2026-11-20T12:00:00.000Z', latency),
        ),
        at('2026-11-23T01:00:00.000Z', 7, 'b'),
        at('2026-11-23T02:00:00.000Z', 5, 'b'),
        at('2026-11-23T07:00:00.000Z', 1_000, 'b'),
        at('2026-11-21T00:00:00.000Z', 0.5, 'c'),
        at('2026-11-22T12:00:00.000Z', 4_000_000, 'c'),
      ])
      const range = { from: new Date('2026-11-19T18:00:00.000Z'), to: new Date('2026-11-23T06:00:00.000Z') }
      const byDay = await store.usage.queryUsage({
        ...range,
        provider,
        groupBy: 'day',
        percentiles: 'approximate',
      })
      expect(
        byDay.map((r) => [r.key, r.requests, r.costNanoUsd, r.latencyP50Ms, r.latencyP95Ms, r.latencyP99Ms]),
      ).toEqual([
        ['2026-11-20', 10, 20, 51.6, 102, 102],
        ['2026-11-21', 1, 2, 1, 1, 1],
        ['2026-11-22', 1, 2, 3_650_000, 3_650_000, 3_650_000],
        ['2026-11-23', 2, 4, 5.02, 7.07, 7.07],
      ])
      // Filtered by tenant, every latency is read from the records: the same answer.
      expect(
        await store.usage.queryUsage({
          ...range,
          provider,
          tenantId,
          groupBy: 'day',
          percentiles: 'approximate',
        }),
      ).toEqual(byDay)
      const byModel = await store.usage.queryUsage({
        ...range,
        provider,
        groupBy: ['model', 'day'],
        percentiles: 'approximate',
      })
      expect(byModel.map((r) => [r.keys, r.latencyP50Ms])).toEqual([
        [['a', '2026-11-20'], 51.6],
        [['b', '2026-11-23'], 5.02],
        [['c', '2026-11-21'], 1],
        [['c', '2026-11-22'], 3_650_000],
      ])
      const [total] = await store.usage.queryUsage({ ...range, provider, percentiles: 'approximate' })
      expect(total).toMatchObject({ requests: 14, latencyP50Ms: 40.5, latencyP95Ms: 3_650_000 })
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

    it("keeps each record's operation and filters by it, over whole days too (the per-day sums have none)", async () => {
      const provider = `p-${randomUUID()}`
      const at = new Date('2026-11-21T12:00:00.000Z')
      const embed = usageRecord({
        provider,
        createdAt: at,
        operation: 'embed',
        costNanoUsd: 4,
        inputTokens: 8,
      })
      await store.usage.recordUsage([
        usageRecord({ provider, createdAt: at, costNanoUsd: 1 }),
        usageRecord({ provider, createdAt: at, costNanoUsd: 2 }),
        embed,
      ])
      expect(await store.usage.getUsage(embed.requestId)).toEqual(embed)
      // Whole UTC days and approximate percentiles: what a store may answer from its per-day sums.
      const days = {
        from: new Date('2026-11-20T00:00:00.000Z'),
        to: new Date('2026-11-23T00:00:00.000Z'),
        provider,
        groupBy: 'day' as const,
        percentiles: 'approximate' as const,
      }
      const sums = async (operation?: 'chat' | 'embed') =>
        (await store.usage.queryUsage({ ...days, ...(operation ? { operation } : {}) })).map((r) => [
          r.key,
          r.requests,
          r.costNanoUsd,
          r.inputTokens,
        ])
      expect(await sums()).toEqual([['2026-11-21', 3, 7, 8]])
      expect(await sums('embed')).toEqual([['2026-11-21', 1, 4, 8]])
      expect(await sums('chat')).toEqual([['2026-11-21', 2, 3, 0]])
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
