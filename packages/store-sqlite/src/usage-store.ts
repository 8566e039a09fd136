import type { UsageQuery, UsageRecord, UsageStore } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  latencyBucket,
  mergeUsageAggregates,
  orderUsageAggregates,
  percentileCont,
  toUsageAggregate,
  toUsageRecord,
  toUsageRow,
  type UsageAggregateRow,
  type UsageLatencyRow,
  type UsageRow,
  usageByModelDay,
  usageDailyRange,
  usageDailySumsSql,
  usageFilters,
  usageGroupKeys,
  usageGroupSql,
  usageRecordsTable,
  usageSummedColumns,
  usageSumsSql,
  withLatencyHistograms,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'
import { createStatementCache } from './statement-cache.js'

type SumsRow = Omit<UsageAggregateRow, 'p50' | 'p95' | 'p99'>

/** The SQL expression of each grouping: UTC days and hours from the milliseconds of created_at. */
const groupKeys = usageGroupKeys(
  `strftime('%Y-%m-%d', created_at / 1000.0, 'unixepoch')`,
  `strftime('%Y-%m-%dT%H:00Z', created_at / 1000.0, 'unixepoch')`,
)
/** The same over usage_daily, whose day is the day's first millisecond; it has no hours. */
const dailyKeys = usageGroupKeys(`strftime('%Y-%m-%d', day / 1000, 'unixepoch')`, 'NULL')

const DAY_MS = 86_400_000

/** A group's identity in a map: its keys, split by a character no key is made of. */
const groupId = (key1: string, key2: string | null) => (key2 === null ? key1 : `${key1}\u0000${key2}`)

/** usage_daily's key columns and the sums a record adds to its row. */
interface DailyRow {
  day: number
  provider: string
  model: string
  tenant_id: string
  user_id: string
  project_id: string
  requests: number
  errors: number
  input_tokens: number
  cached_input_tokens: number
  cache_write_tokens: number
  output_tokens: number
  reasoning_tokens: number
  total_tokens: number
  cost_nano_usd: number
}
interface LatencyRow {
  day: number
  provider: string
  model: string
  bucket: number
  requests: number
}

const dailyKeyColumns = ['day', 'provider', 'model', 'tenant_id', 'user_id', 'project_id'] as const
/** usage_daily_models' key: the same sums with no tenant, user or project. */
const modelDayColumns = ['day', 'provider', 'model'] as const
const dailySumColumns = ['requests', 'errors', ...usageSummedColumns] as const
type ModelDayRow = Omit<DailyRow, 'tenant_id' | 'user_id' | 'project_id'>

/** An upsert adding a row's sums to the one with its key. */
const addSumsSql = (table: string, keys: readonly string[]) => {
  const columns = [...keys, ...dailySumColumns]
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
    ${dailySumColumns.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`
}

/** Adds `row`'s sums to those of the row with the same `keys` in `rows`, or adds a copy. */
function addSums<Row extends ModelDayRow>(rows: Map<string, Row>, keys: readonly (keyof Row)[], row: Row) {
  const id = JSON.stringify(keys.map((c) => row[c]))
  const sums = rows.get(id)
  if (!sums) rows.set(id, { ...row })
  else for (const c of dailySumColumns) sums[c] += row[c]
}

function dailyRow(record: UsageRecord): DailyRow {
  const at = record.createdAt.getTime()
  return {
    day: Math.floor(at / DAY_MS) * DAY_MS,
    provider: record.provider,
    model: record.model,
    tenant_id: record.tenantId ?? '',
    user_id: record.userId ?? '',
    project_id: record.projectId ?? '',
    requests: 1,
    errors: record.success ? 0 : 1,
    input_tokens: record.inputTokens,
    cached_input_tokens: record.cachedInputTokens,
    cache_write_tokens: record.cacheWriteTokens,
    output_tokens: record.outputTokens,
    reasoning_tokens: record.reasoningTokens,
    total_tokens: record.totalTokens,
    cost_nano_usd: record.costNanoUsd,
  }
}

/**
 * Usage records and their analytics in SQLite. A batch is written in one transaction, which also
 * adds the records it stored to their day's sums in usage_daily (per user) and usage_daily_models
 * (per model). A query computes sums with SQL, reading those for the whole days of its range when
 * it asks for no exact percentiles, and
 * latency percentiles from the sorted latencies with percentile_cont's rule.
 */
export function createUsageStore(db: Database): UsageStore {
  const statement = createStatementCache(db)
  const insert = db.prepare<UsageRow>(`${insertSql(usageRecordsTable)} ON CONFLICT (request_id) DO NOTHING`)
  const select = db.prepare<[string], UsageRow>('SELECT * FROM usage_records WHERE request_id = ?')
  const compact = db.prepare<[number]>('DELETE FROM usage_records WHERE created_at < ?')
  const addDaily = db.prepare<DailyRow>(addSumsSql('usage_daily', dailyKeyColumns))
  const addModelDay = db.prepare<ModelDayRow>(addSumsSql('usage_daily_models', modelDayColumns))

  const addLatency = db.prepare<LatencyRow>(
    `INSERT INTO usage_daily_latency (day, provider, model, bucket, requests)
     VALUES (@day, @provider, @model, @bucket, @requests)
     ON CONFLICT (day, provider, model, bucket) DO UPDATE SET requests = requests + excluded.requests`,
  )

  const insertAll = db.transaction((records: readonly UsageRecord[]) => {
    // One update per day and group of the batch, not one per record.
    const days = new Map<string, DailyRow>()
    const modelDays = new Map<string, ModelDayRow>()
    const latencies = new Map<string, LatencyRow>()
    for (const record of records) {
      if (insert.run(toUsageRow(record, codec)).changes === 0) continue
      const row = dailyRow(record)
      addSums(days, dailyKeyColumns, row)
      addSums(modelDays, modelDayColumns, row)
      const bucket = latencyBucket(record.latencyMs)
      const latencyId = JSON.stringify([row.day, row.provider, row.model, bucket])
      const counted = latencies.get(latencyId)
      if (counted) counted.requests++
      else
        latencies.set(latencyId, {
          day: row.day,
          provider: row.provider,
          model: row.model,
          bucket,
          requests: 1,
        })
    }
    for (const row of days.values()) addDaily.run(row)
    for (const row of modelDays.values()) addModelDay.run(row)
    for (const row of latencies.values()) addLatency.run(row)
  })

  /** The where clause and parameters of `query`'s records (or days) in [from, to). */
  function matching(query: UsageQuery, column: 'created_at' | 'day', from: Date, to: Date) {
    const filters = usageFilters(query)
    const where = [`${column} >= @from`, `${column} < @to`, ...filters.map(([c]) => `${c} = @${c}`)]
    const params = { from: from.getTime(), to: to.getTime(), ...Object.fromEntries(filters) }
    return { where: where.join(' AND '), params }
  }

  /** The groups of `query` over the records of [from, to), with exact percentiles when `exact`. */
  function fromRecords(query: UsageQuery, from: Date, to: Date, exact: boolean): UsageAggregateRow[] {
    const { where, params } = matching(query, 'created_at', from, to)
    const group = usageGroupSql(query, groupKeys)
    const sums = statement(
      `SELECT ${group.select}, ${usageSumsSql}, count(*) AS requests, sum(NOT success) AS errors
       FROM usage_records WHERE ${where} GROUP BY ${group.groupBy}`,
    ).all(params) as SumsRow[]
    if (!exact) return sums.map((row) => ({ ...row, p50: 0, p95: 0, p99: 0 }))
    const latencies = new Map<string, number[]>()
    for (const [key1, key2, latency] of statement(
      `SELECT ${group.select}, latency_ms FROM usage_records WHERE ${where}`,
    )
      .raw()
      .iterate(params) as Iterable<[string, string | null, number]>) {
      const id = groupId(key1, key2)
      const group = latencies.get(id)
      if (group) group.push(latency)
      else latencies.set(id, [latency])
    }
    return sums.map((row) => {
      const sorted = Float64Array.from(latencies.get(groupId(row.key1, row.key2)) ?? []).sort()
      return {
        ...row,
        p50: percentileCont(sorted, 0.5),
        p95: percentileCont(sorted, 0.95),
        p99: percentileCont(sorted, 0.99),
      }
    })
  }

  /** The latency bucket counts of `query`'s groups over the records of [from, to). */
  function bucketsFromRecords(query: UsageQuery, from: Date, to: Date): UsageLatencyRow[] {
    const { where, params } = matching(query, 'created_at', from, to)
    const group = usageGroupSql(query, groupKeys)
    return statement(
      `SELECT ${group.select}, aimux_latency_bucket(latency_ms) AS bucket, count(*) AS requests
       FROM usage_records WHERE ${where} GROUP BY ${group.groupBy}, bucket`,
    ).all(params) as UsageLatencyRow[]
  }

  /**
   * The groups of `query` over the whole days [from, to): from usage_daily_models when it reads
   * nothing finer than day, provider and model, else from usage_daily.
   */
  function fromDays(query: UsageQuery, from: Date, to: Date): UsageAggregateRow[] {
    const { where, params } = matching(query, 'day', from, to)
    const group = usageGroupSql(query, dailyKeys)
    const table = usageByModelDay(query) ? 'usage_daily_models' : 'usage_daily'
    const sums = statement(
      `SELECT ${group.select}, ${usageDailySumsSql} FROM ${table} WHERE ${where} GROUP BY ${group.groupBy}`,
    ).all(params) as SumsRow[]
    return sums.map((row) => ({ ...row, p50: 0, p95: 0, p99: 0 }))
  }

  /** The latency bucket counts of `query`'s groups over the whole days [from, to), from usage_daily_latency. */
  function bucketsFromDays(query: UsageQuery, from: Date, to: Date): UsageLatencyRow[] {
    const { where, params } = matching(query, 'day', from, to)
    const group = usageGroupSql(query, dailyKeys)
    return statement(
      `SELECT ${group.select}, bucket, sum(requests) AS requests FROM usage_daily_latency
       WHERE ${where} GROUP BY ${group.groupBy}, bucket`,
    ).all(params) as UsageLatencyRow[]
  }

  /**
   * Every read of one query sees one snapshot of the database. Whole days come from the per-day
   * tables unless the query asks for exact percentiles; the partial days at the ends of its range,
   * or all of it, from the records.
   */
  const answer = db.transaction((query: UsageQuery) => {
    const percentiles = query.percentiles ?? true
    if (percentiles === true) {
      return orderUsageAggregates(toAggregates(fromRecords(query, query.from, query.to, true)), query)
    }
    const days = usageDailyRange(query)
    const parts = days ? fromDays(query, days.from, days.to) : []
    const edges: [Date, Date][] = days
      ? [
          [query.from, days.from],
          [days.to, query.to],
        ]
      : [[query.from, query.to]]
    const ends = edges.filter(([from, to]) => from < to)
    for (const [from, to] of ends) parts.push(...fromRecords(query, from, to, false))
    const aggregates = mergeUsageAggregates(toAggregates(parts))
    if (percentiles === 'approximate') {
      const byDay = days !== undefined && usageByModelDay(query)
      const buckets = byDay ? bucketsFromDays(query, days.from, days.to) : []
      for (const [from, to] of byDay ? ends : [[query.from, query.to] as const]) {
        buckets.push(...bucketsFromRecords(query, from, to))
      }
      withLatencyHistograms(aggregates, buckets, codec)
    }
    return orderUsageAggregates(aggregates, query)
  })

  return {
    async recordUsage(records) {
      if (records.length > 0) insertAll.immediate(records)
    },

    async getUsage(requestId) {
      const row = select.get(requestId)
      return row && toUsageRecord(row, codec)
    },

    async queryUsage(query) {
      return answer.deferred(query)
    },

    async compactUsageBefore(before) {
      // The per-day tables keep these records' sums and latency counts.
      return compact.run(Math.floor(before.getTime() / DAY_MS) * DAY_MS).changes
    },
  }
}

const toAggregates = (rows: readonly UsageAggregateRow[]) => rows.map((row) => toUsageAggregate(row, codec))
