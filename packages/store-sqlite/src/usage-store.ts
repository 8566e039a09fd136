import type { UsageRecord, UsageStore } from '@aimux/ai-core'
import {
  sqliteCodec as codec,
  percentileCont,
  toUsageAggregates,
  toUsageRecord,
  toUsageRow,
  type UsageAggregateRow,
  type UsageRow,
  usageFilters,
  usageGroupKeys,
  usageRecordsTable,
  usageSumsSql,
} from '@aimux/ai-core/store-kit'
import type { Database } from 'better-sqlite3'
import { insertSql } from './insert-sql.js'
import { createStatementCache } from './statement-cache.js'

type SumsRow = Omit<UsageAggregateRow, 'p50' | 'p95' | 'p99'>

/** The SQL expression of each grouping: UTC days from the milliseconds of created_at. */
const groupKeys = usageGroupKeys(`strftime('%Y-%m-%d', created_at / 1000.0, 'unixepoch')`)

/**
 * Usage records and their analytics in SQLite. A batch is written in one transaction; sums are
 * computed by SQL and latency percentiles from the sorted latencies with percentile_cont's rule.
 */
export function createUsageStore(db: Database): UsageStore {
  const statement = createStatementCache(db)
  const insert = db.prepare<UsageRow>(`${insertSql(usageRecordsTable)} ON CONFLICT (request_id) DO NOTHING`)
  const select = db.prepare<[string], UsageRow>('SELECT * FROM usage_records WHERE request_id = ?')

  const insertAll = db.transaction((records: readonly UsageRecord[]) => {
    for (const record of records) insert.run(toUsageRow(record, codec))
  })

  /** Both queries read one snapshot of the database. */
  const aggregate = db.transaction(
    (sql: { sums: string; latencies: string }, params: Record<string, unknown>): UsageAggregateRow[] => {
      const sums = statement(sql.sums).all(params) as SumsRow[]
      const latencies = new Map<string, number[]>()
      for (const [key, latency] of statement(sql.latencies).raw().iterate(params) as Iterable<
        [string, number]
      >) {
        const group = latencies.get(key)
        if (group) group.push(latency)
        else latencies.set(key, [latency])
      }
      return sums.map((row) => {
        const sorted = latencies.get(row.key) ?? []
        return {
          ...row,
          p50: percentileCont(sorted, 0.5),
          p95: percentileCont(sorted, 0.95),
          p99: percentileCont(sorted, 0.99),
        }
      })
    },
  )

  return {
    async recordUsage(records) {
      if (records.length > 0) insertAll.immediate(records)
    },

    async getUsage(requestId) {
      const row = select.get(requestId)
      return row && toUsageRecord(row, codec)
    },

    async queryUsage(query) {
      const filters = usageFilters(query)
      const where = ['created_at >= @from', 'created_at < @to', ...filters.map(([c]) => `${c} = @${c}`)]
      const params = {
        from: codec.date.write(query.from),
        to: codec.date.write(query.to),
        ...Object.fromEntries(filters),
      }
      const key = groupKeys[query.groupBy ?? 'total']
      const matching = `FROM usage_records WHERE ${where.join(' AND ')}`
      const rows = aggregate.deferred(
        {
          sums: `SELECT ${key} AS key, ${usageSumsSql}, count(*) AS requests, sum(NOT success) AS errors
                 ${matching} GROUP BY key ORDER BY key`,
          latencies: `SELECT ${key} AS key, latency_ms ${matching} ORDER BY key, latency_ms`,
        },
        params,
      )
      return toUsageAggregates(rows, query, codec)
    },
  }
}
