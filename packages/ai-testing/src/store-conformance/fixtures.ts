// Records the store conformance suites write, and the checks they share.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type {
  ConnectionRecord,
  ModelInfo,
  NewMessage,
  PriceEntry,
  SpendKey,
  UsageQuery,
  UsageRecord,
  VirtualKey,
} from '@aimux/ai-core'
import { expect } from 'vitest'

/** A query range that holds every record the suites write. */
export const wholeRange = {
  from: new Date('2000-01-01T00:00:00.000Z'),
  to: new Date('2100-01-01T00:00:00.000Z'),
}

export function textMessage(conversationId: string, text: string): NewMessage {
  return { id: randomUUID(), conversationId, role: 'user', content: [{ type: 'text', text }] }
}

/** A usage record with a new requestId and zero tokens and cost, `overrides` on top. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: randomUUID(),
    createdAt: new Date('2026-11-22T12:00:00.000Z'),
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costNanoUsd: 0,
    costSource: 'catalog',
    latencyMs: 100,
    success: true,
    stream: false,
    steps: 1,
    operation: 'chat',
    ...overrides,
  }
}

const dailyRecord = (requestId: string, createdAt: string, extra: Partial<UsageRecord> = {}) =>
  usageRecord({
    requestId,
    createdAt: new Date(createdAt),
    inputTokens: 10,
    cachedInputTokens: 1,
    cacheWriteTokens: 2,
    outputTokens: 20,
    reasoningTokens: 3,
    totalTokens: 30,
    costNanoUsd: 9_000_000_007,
    ...extra,
  })

/**
 * Usage records on four UTC days, with and without a user and tenant, and a repeat of one: for
 * a store's tests of per-day sums kept beside the records (a migration that fills them).
 */
export function dailyUsageRecords(): UsageRecord[] {
  const first = dailyRecord('r1', '2026-11-20T05:00:00.000Z', { userId: 'u1', tenantId: 't1' })
  return [
    first,
    dailyRecord('r2', '2026-11-20T07:00:00.000Z', { userId: 'u2', costNanoUsd: 3 }),
    dailyRecord('r3', '2026-11-21T12:00:00.000Z', {
      userId: 'u1',
      tenantId: 't1',
      success: false,
      latencyMs: 40,
    }),
    dailyRecord('r4', '2026-11-22T00:00:00.000Z', { projectId: 'p1', model: 'gpt-4o', latencyMs: 2_500 }),
    dailyRecord('r5', '2026-11-23T17:59:59.999Z', { userId: 'u2', costNanoUsd: 5 }),
    { ...first, costNanoUsd: 1 },
  ]
}

/** A query over dailyUsageRecords(): partial days at both ends, whole days between, approximate percentiles. */
export function dailyUsageQuery(): UsageQuery {
  return {
    from: new Date('2026-11-20T06:00:00.000Z'),
    to: new Date('2026-11-23T18:00:00.000Z'),
    groupBy: ['day', 'model'],
    percentiles: 'approximate',
  }
}

export function model(provider: string, id: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  return { provider, id, capabilities: {}, ...extra }
}

export function price(provider: string, model: string, effectiveFrom: string, input: number): PriceEntry {
  return { provider, model, effectiveFrom: new Date(effectiveFrom), price: { input, output: input * 4 } }
}

export function spendKey(scope: SpendKey['scope'] = 'user'): SpendKey {
  return { scope, scopeId: randomUUID(), period: 'month', periodStart: '2026-11-01' }
}

export function connection(
  overrides: Partial<Omit<ConnectionRecord, 'createdAt' | 'updatedAt'>> = {},
): Omit<ConnectionRecord, 'createdAt' | 'updatedAt'> {
  return {
    id: randomUUID(),
    provider: 'openai',
    name: 'primary',
    ciphertext: 'v1:iv:ciphertext:tag',
    priority: 0,
    weight: 1,
    status: 'active',
    ...overrides,
  }
}

/** A virtual key with a new id and the hash of a new secret, no scope or limits, `overrides` on top. */
export function virtualKey(overrides: Partial<VirtualKey> = {}): VirtualKey {
  const secret = `sk-aimux-${randomBytes(24).toString('base64url')}`
  return {
    id: `vk_${randomUUID()}`,
    hash: createHash('sha256').update(secret).digest('hex'),
    prefix: secret.slice(0, 13),
    scope: {},
    limits: {},
    createdAt: new Date('2026-11-22T12:00:00.000Z'),
    ...overrides,
  }
}

export function expectRecent(date: Date): void {
  expect(date).toBeInstanceOf(Date)
  expect(Math.abs(date.getTime() - Date.now())).toBeLessThan(60_000)
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
