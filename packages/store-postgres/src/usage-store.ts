import type { UsageStore } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnNames,
  mergeUsageAggregates,
  orderUsageAggregates,
  toUsageAggregate,
  toUsageAggregates,
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
  utcDay,
  withLatencyHistograms,
} from '@aimux/ai-core/store-kit'
import type { Pool } from 'pg'
import { latencyBucketSql } from './schema.js'
import { columnArrays, unnestSql } from './table-sql.js'
import { inTransaction } from './transaction.js'

/** The SQL expression of each grouping: UTC days and hours of created_at. */
const groupKeys = usageGroupKeys(
  `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00"Z"')`,
)
const percentilesSql = `percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99`

/** The where clause of a part of a query over records or days in [from, to), filters included. */
interface Where {
  records(from: Date, to: Date): string
  days(from: Date, to: Date): string
}

/** The same over usage_daily, a date a row; it has no hours. */
const dailyKeys = usageGroupKeys(`to_char(day, 'YYYY-MM-DD')`, 'NULL')

const dailySums = ['requests', 'errors', ...usageSummedColumns]
/** The sums of a group of inserted records, in the order of dailySums. */
const recordSums = `count(*), count(*) FILTER (WHERE NOT success), ${usageSummedColumns.map((c) => `sum(${c})`).join(', ')}`
/** The SET list adding the excluded row's sums to the stored one's (aliased `d`). */
const addSums = dailySums.map((c) => `${c} = d.${c} + excluded.${c}`).join(', ')

/**
 * Usage records and their analytics in PostgreSQL. A batch is one INSERT of arrays, however
 * long, whose statement also adds the records it stored to their day's sums (usage_daily per
 * user, usage_daily_models per model) and latency bucket counts (usage_daily_latency). Exact percentiles are one GROUP BY with
 * percentile_cont over the records; a query without them reads the per-day tables for the whole
 * days of its range, the records only for the partial days at its ends.
 */
export function createUsageStore(pool: Pool, s: string): UsageStore {
  const names = columnNames(usageRecordsTable).join(', ')
  // What the per-day sums read of the stored rows, not every column.
  const returned = [
    'created_at',
    'provider',
    'model',
    'tenant_id',
    'user_id',
    'project_id',
    'success',
    'latency_ms',
    ...usageSummedColumns,
  ].join(', ')
  // The first record of a batch wins over a later one with the same requestId, as a stored one
  // wins over both; rows go in by requestId and day sums by their key, so concurrent batches
  // never wait on each other in a cycle.
  const insert = `
    WITH inserted AS (
      INSERT INTO ${s}.usage_records (${names})
      SELECT DISTINCT ON (request_id) ${names}
      FROM ${unnestSql(usageRecordsTable)} WITH ORDINALITY AS batch (${names}, position)
      ORDER BY request_id, position
      ON CONFLICT (request_id) DO NOTHING
      RETURNING ${returned}
    ), daily AS (
      INSERT INTO ${s}.usage_daily AS d (day, provider, model, tenant_id, user_id, project_id, ${dailySums.join(', ')})
      SELECT (created_at AT TIME ZONE 'UTC')::date, provider, model,
        coalesce(tenant_id, ''), coalesce(user_id, ''), coalesce(project_id, ''), ${recordSums}
      FROM inserted GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (day, provider, model, tenant_id, user_id, project_id) DO UPDATE SET ${addSums}
    ), models AS (
      INSERT INTO ${s}.usage_daily_models AS d (day, provider, model, ${dailySums.join(', ')})
      SELECT (created_at AT TIME ZONE 'UTC')::date, provider, model, ${recordSums}
      FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (day, provider, model) DO UPDATE SET ${addSums}
    )
    INSERT INTO ${s}.usage_daily_latency AS l (day, provider, model, bucket, requests)
    SELECT (created_at AT TIME ZONE 'UTC')::date, provider, model, ${latencyBucketSql}, count(*)
    FROM inserted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, provider, model, bucket) DO UPDATE SET requests = l.requests + excluded.requests`

  return {
    async recordUsage(records) {
      if (records.length === 0) return
      const rows = records.map((record) => toUsageRow(record, codec))
      await pool.query(insert, columnArrays(usageRecordsTable, rows))
    },

    async getUsage(requestId) {
      const { rows } = await pool.query<UsageRow>(`SELECT * FROM ${s}.usage_records WHERE request_id = $1`, [
        requestId,
      ])
      return rows[0] && toUsageRecord(rows[0], codec)
    },

    async queryUsage(query) {
      const percentiles = query.percentiles ?? true
      const records = usageGroupSql(query, groupKeys)
      const daily = usageGroupSql(query, dailyKeys)

      /** One statement, the UNION ALL of `parts`, each given the where clause of its range, with its own parameters. */
      const statement = (parts: ((where: Where) => string)[]) => {
        const params: unknown[] = []
        const param = (value: unknown) => `$${params.push(value)}`
        const filters = usageFilters(query).map(([column, value]) => `${column} = ${param(value)}`)
        const where: Where = {
          records: (from, to) =>
            [
              `created_at >= ${param(codec.date.write(from))}`,
              `created_at < ${param(codec.date.write(to))}`,
              ...filters,
            ].join(' AND '),
          days: (from, to) =>
            [`day >= ${param(utcDay(from))}::date`, `day < ${param(utcDay(to))}::date`, ...filters].join(
              ' AND ',
            ),
        }
        return { sql: parts.map((part) => `(${part(where)})`).join(' UNION ALL '), params }
      }

      /** The groups of the records of [from, to). */
      const sumsOfRecords = (from: Date, to: Date) => (where: Where) =>
        `SELECT ${records.select}, ${usageSumsSql},
           count(*) AS requests, count(*) FILTER (WHERE NOT success) AS errors,
           ${percentiles === true ? percentilesSql : '0 AS p50, 0 AS p95, 0 AS p99'}
         FROM ${s}.usage_records WHERE ${where.records(from, to)} GROUP BY ${records.groupBy}`

      if (percentiles === true) {
        const { sql, params } = statement([sumsOfRecords(query.from, query.to)])
        const { rows } = await pool.query<UsageAggregateRow>(sql, params)
        return toUsageAggregates(rows, query, codec)
      }
      const days = usageDailyRange(query)
      const whole: [Date, Date][] = [[query.from, query.to]]
      const ends = days
        ? (
            [
              [query.from, days.from],
              [days.to, query.to],
            ] as [Date, Date][]
          ).filter(([from, to]) => from < to)
        : whole
      // Whole days by model when the query reads nothing finer.
      const byDay = days !== undefined && usageByModelDay(query)
      const sums = statement([
        ...(days
          ? [
              (where: Where) =>
                `SELECT ${daily.select}, ${usageDailySumsSql}, 0 AS p50, 0 AS p95, 0 AS p99
                 FROM ${s}.${byDay ? 'usage_daily_models' : 'usage_daily'}
                 WHERE ${where.days(days.from, days.to)} GROUP BY ${daily.groupBy}`,
            ]
          : []),
        ...ends.map(([from, to]) => sumsOfRecords(from, to)),
      ])
      const buckets = statement([
        ...(byDay
          ? [
              (where: Where) =>
                `SELECT ${daily.select}, bucket, sum(requests) AS requests FROM ${s}.usage_daily_latency
                 WHERE ${where.days(days.from, days.to)} GROUP BY ${daily.groupBy}, bucket`,
            ]
          : []),
        ...(byDay ? ends : whole).map(
          ([from, to]) =>
            (where: Where) =>
              `SELECT ${records.select}, ${latencyBucketSql} AS bucket, count(*) AS requests
               FROM ${s}.usage_records WHERE ${where.records(from, to)} GROUP BY ${records.groupBy}, bucket`,
        ),
      ])
      // Both statements read one snapshot.
      const [sumRows, bucketRows] = await inTransaction(pool, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
        const a = await client.query<UsageAggregateRow>(sums.sql, sums.params)
        if (percentiles !== 'approximate' || buckets.sql === '') return [a.rows, []] as const
        const b = await client.query<UsageLatencyRow>(buckets.sql, buckets.params)
        return [a.rows, b.rows] as const
      })
      const aggregates = mergeUsageAggregates(sumRows.map((row) => toUsageAggregate(row, codec)))
      if (percentiles === 'approximate') withLatencyHistograms(aggregates, bucketRows, codec)
      return orderUsageAggregates(aggregates, query)
    },

    async compactUsageBefore(before) {
      // The per-day tables keep these records' sums and latency counts.
      const cutoff = new Date(Math.floor(before.getTime() / 86_400_000) * 86_400_000)
      const { rowCount } = await pool.query(`DELETE FROM ${s}.usage_records WHERE created_at < $1`, [cutoff])
      return rowCount ?? 0
    },
  }
}
