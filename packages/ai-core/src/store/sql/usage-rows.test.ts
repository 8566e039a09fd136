import { describe, expect, it } from 'vitest'
import type { UsageRecord } from '../usage-store.js'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'
import { toUsageAggregates } from './usage-aggregate-rows.js'
import { toUsageRecord, toUsageRow } from './usage-rows.js'

const record: UsageRecord = {
  requestId: 'r1',
  createdAt: new Date('2026-11-22T12:00:00.000Z'),
  userId: 'u1',
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens: 10,
  cachedInputTokens: 2,
  cacheWriteTokens: 0,
  outputTokens: 5,
  reasoningTokens: 1,
  totalTokens: 15,
  costNanoUsd: 9_000_000_007,
  costSource: 'catalog',
  latencyMs: 12.5,
  success: false,
  errorCode: 'rate-limit',
  stream: true,
  steps: 2,
  operation: 'chat',
}

describe('usage rows', () => {
  it('writes a record as SQLite stores it and reads the same record back', () => {
    const row = toUsageRow(record, sqliteCodec)
    expect(row).toMatchObject({
      created_at: record.createdAt.getTime(),
      tenant_id: null,
      success: 0,
      stream: 1,
      time_to_first_token_ms: null,
    })
    expect(toUsageRecord(row, sqliteCodec)).toEqual(record)
  })

  it('reads a pg row: int8 cost as text, booleans and timestamptz as they are', () => {
    const row = { ...toUsageRow(record, postgresCodec), cost_nano_usd: '9000000007' }
    expect(row.success).toBe(false)
    expect(toUsageRecord(row, postgresCodec)).toEqual(record)
  })
})

describe('usage aggregate rows', () => {
  const range = { from: new Date(0), to: new Date(1) }
  const sums = {
    input_tokens: '30',
    cached_input_tokens: '0',
    cache_write_tokens: '0',
    output_tokens: '12',
    reasoning_tokens: '0',
    total_tokens: '42',
    cost_nano_usd: '18000000014',
  }

  it('turns sums the database returns as text into numbers, with the error rate', () => {
    const [aggregate] = toUsageAggregates(
      [{ key1: 'u1', key2: null, ...sums, requests: '4', errors: '1', p50: 10, p95: 19, p99: 19.8 }],
      { ...range, groupBy: 'user' },
      postgresCodec,
    )
    expect(aggregate).toEqual({
      key: 'u1',
      keys: ['u1'],
      inputTokens: 30,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
      totalTokens: 42,
      requests: 4,
      errors: 1,
      errorRate: 0.25,
      costNanoUsd: 18_000_000_014,
      latencyP50Ms: 10,
      latencyP95Ms: 19,
      latencyP99Ms: 19.8,
    })
  })

  it('answers one zero "total" row when nothing matches an ungrouped query, none for a grouped one', () => {
    expect(toUsageAggregates([], range, sqliteCodec)).toEqual([
      expect.objectContaining({ key: 'total', requests: 0, errorRate: 0, costNanoUsd: 0 }),
    ])
    expect(toUsageAggregates([], { ...range, groupBy: 'day' }, sqliteCodec)).toEqual([])
  })

  it('joins two keys, and orders and cuts the rows as the query says', () => {
    const row = (key1: string, key2: string, cost: string) => ({
      key1,
      key2,
      ...sums,
      cost_nano_usd: cost,
      requests: '1',
      errors: '0',
      p50: 0,
      p95: 0,
      p99: 0,
    })
    const rows = [row('b', 'x', '5'), row('a', 'y', '5'), row('a', 'x', '9')]
    const query = { ...range, groupBy: ['day', 'model'] as ('day' | 'model')[] }
    expect(toUsageAggregates(rows, query, postgresCodec).map((r) => r.key)).toEqual([
      'a / x',
      'a / y',
      'b / x',
    ])
    const top = toUsageAggregates(rows, { ...query, orderBy: 'cost', limit: 2 }, postgresCodec)
    expect(top.map((r) => r.keys)).toEqual([
      ['a', 'x'],
      ['a', 'y'],
    ])
  })
})
