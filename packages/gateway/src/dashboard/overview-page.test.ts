import { createAI, type UsageRecord } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { overviewData } from './overview-page.js'
import { timeRange } from './time-range.js'

const now = new Date('2026-11-29T15:37:00.000Z')

/** 40 records: 14 users, some in two tenants, some without a user or tenant, with tied costs. */
function records(): UsageRecord[] {
  return Array.from({ length: 40 }, (_, i) => ({
    requestId: `r${i}`,
    createdAt: new Date(now.getTime() - (i + 1) * 3_000_000),
    ...(i % 13 === 0 ? {} : { tenantId: `t${(i * 7) % 3}`, userId: `u${i % 14}` }),
    provider: 'openai',
    model: 'gpt-4o',
    inputTokens: 10,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 5,
    reasoningTokens: 0,
    totalTokens: 15,
    costNanoUsd: 1_000 * (i % 4),
    costSource: 'catalog',
    latencyMs: 100 + i,
    success: i % 5 !== 0,
    stream: false,
    steps: 1,
    operation: 'chat',
  }))
}

describe('overviewData', () => {
  it('sums the top users and tenants from one query to what a query per table answers', async () => {
    const ai = await createAI()
    await ai.store.usage.recordUsage(records())
    const range = timeRange('24h', now)
    const data = await overviewData(ai, range)
    const top = { from: range.from, to: range.to, orderBy: 'cost', limit: 10, percentiles: false } as const
    const pick = (rows: typeof data.topUsers) =>
      rows.map(({ key, keys, requests, errors, errorRate, costNanoUsd, totalTokens }) => ({
        key,
        keys,
        requests,
        errors,
        errorRate,
        costNanoUsd,
        totalTokens,
      }))
    expect(pick(data.topUsers)).toEqual(pick(await ai.usage.query({ ...top, groupBy: 'user' })))
    expect(pick(data.topTenants)).toEqual(pick(await ai.usage.query({ ...top, groupBy: 'tenant' })))
    expect(data.topUsers).toHaveLength(10)
    await ai.close()
  })
})
