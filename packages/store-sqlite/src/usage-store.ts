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
import { insertValuesSql, rowValues } from './insert-sql.js'
import { createRowsWriter, valuesSql } from './rows-writer.js'
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

const dailyKeyColumns = ['day', 'provider', 'model', 'tenant_id', 'user_id', 'project_id'] as const
/** usage_daily_models' key: the same sums with no tenant, user or project. */
const modelDayColumns = ['day', 'provider', 'model'] as const
const dailySumColumns = ['requests', 'errors', ...usageSummedColumns] as const

/**
 * An upsert adding each of `count` rows' sums to the one with its key, each row bound with the
 * key's values then the sums, in the order of `keys` and dailySumColumns.
 */
const addSumsSql = (table: string, keys: readonly string[]) => (count: number) => {
  const columns = [...keys, ...dailySumColumns]
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesSql(columns.length, count)}
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
    ${dailySumColumns.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`
}

/** A group of a batch: its key's values, then its sums (or count), as an upsert binds them. */
type Group = (string | number)[]

/**
 * Adds `sums` to those of the group with `key` in `groups`, or adds the group. Keys are told
 * apart by their JSON, so no character of a provider, model or id can make two keys one.
 */
function addTo(groups: Map<string, Group>, key: (string | number)[], sums: readonly number[]) {
  const id = JSON.stringify(key)
  const group = groups.get(id)
  if (!group) groups.set(id, [...key, ...sums])
  else for (let i = 0; i < sums.length; i++) (group[key.length + i] as number) += sums[i]!
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
  // Rows bound by position: a batch binds hundreds of them, where names cost a lookup a value.
  const insert = db.prepare<[unknown[]]>(
    `${insertValuesSql(usageRecordsTable)} ON CONFLICT (request_id) DO NOTHING`,
  )
  const usageValues = rowValues(usageRecordsTable)
  const select = db.prepare<[string], UsageRow>('SELECT * FROM usage_records WHERE request_id = ?')
  const compact = db.prepare<[number]>('DELETE FROM usage_records WHERE created_at < ?')
  // The groups of a batch go in a few multi-row upserts, not one statement each.
  const addDaily = createRowsWriter(db, addSumsSql('usage_daily', dailyKeyColumns))
  const addModelDay = createRowsWriter(db, addSumsSql('usage_daily_models', modelDayColumns))
  const addLatency = createRowsWriter(
    db,
    (count) =>
      `INSERT INTO usage_daily_latency (day, provider, model, bucket, requests) VALUES ${valuesSql(5, count)}
       ON CONFLICT (day, provider, model, bucket) DO UPDATE SET requests = requests + excluded.requests`,
  )

  const insertAll = db.transaction((records: readonly UsageRecord[]) => {
    // One update per day and group of the batch, not one per record.
    const days = new Map<string, Group>()
    const modelDays = new Map<string, Group>()
    const latencies = new Map<string, Group>()
    for (const record of records) {
      const row = toUsageRow(record, codec)
      // A record whose requestId is stored already, or earlier in the batch, adds nothing.
      if (insert.run(usageValues(row)).changes === 0) continue
      const day = Math.floor(record.createdAt.getTime() / DAY_MS) * DAY_MS
      const { provider, model } = record
      const sums = [1, record.success ? 0 : 1, ...usageSummedColumns.map((c) => row[c] as number)]
      addTo(
        days,
        [day, provider, model, record.tenantId ?? '', record.userId ?? '', record.projectId ?? ''],
        sums,
      )
      addTo(modelDays, [day, provider, model], sums)
      addTo(latencies, [day, provider, model, latencyBucket(record.latencyMs)], [1])
    }
    addDaily([...days.values()])
    addModelDay([...modelDays.values()])
    addLatency([...latencies.values()])
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
