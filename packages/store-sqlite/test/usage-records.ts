// Usage records over a few days, for the tests of the per-day sums (usage_daily).
import type { UsageQuery, UsageRecord } from '@aimux/ai-core'

const record = (requestId: string, createdAt: string, extra: Partial<UsageRecord> = {}): UsageRecord => ({
  requestId,
  createdAt: new Date(createdAt),
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens: 10,
  cachedInputTokens: 1,
  cacheWriteTokens: 2,
  outputTokens: 20,
  reasoningTokens: 3,
  totalTokens: 30,
  costNanoUsd: 9_000_000_007,
  costSource: 'catalog',
  latencyMs: 100,
  success: true,
  stream: false,
  steps: 1,
  ...extra,
})

/** Five records on four UTC days, with and without a user and tenant, and a repeat of one. */
export function usageRecords(): UsageRecord[] {
  const first = record('r1', '2026-11-20T05:00:00.000Z', { userId: 'u1', tenantId: 't1' })
  return [
    first,
    record('r2', '2026-11-20T07:00:00.000Z', { userId: 'u2', costNanoUsd: 3 }),
    record('r3', '2026-11-21T12:00:00.000Z', { userId: 'u1', tenantId: 't1', success: false, latencyMs: 40 }),
    record('r4', '2026-11-22T00:00:00.000Z', { projectId: 'p1', model: 'gpt-4o', latencyMs: 2_500 }),
    record('r5', '2026-11-23T17:59:59.999Z', { userId: 'u2', costNanoUsd: 5 }),
    { ...first, costNanoUsd: 1 },
  ]
}

/**
 * Partial days at both ends and whole days between, with approximate percentiles: read from the
 * per-day tables and the records.
 */
export function dailyQuery(): UsageQuery {
  return {
    from: new Date('2026-11-20T06:00:00.000Z'),
    to: new Date('2026-11-23T18:00:00.000Z'),
    groupBy: ['day', 'model'],
    percentiles: 'approximate',
  }
}
