import type { UsageStore } from '@aimux/ai-core'
import {
  postgresCodec as codec,
  columnNames,
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
import type { Pool } from 'pg'
import { columnArrays, unnestSql } from './table-sql.js'

/** The SQL expression of each grouping: UTC days of created_at. */
const groupKeys = usageGroupKeys(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`)

/**
 * Usage records and their analytics in PostgreSQL. A batch is one INSERT of arrays, however
 * long; analytics are one GROUP BY with percentile_cont.
 */
export function createUsageStore(pool: Pool, s: string): UsageStore {
  const names = columnNames(usageRecordsTable).join(', ')
  // The first record of a batch wins over a later one with the same requestId, as a stored one
  // wins over both; rows go in by requestId, so concurrent batches never wait on each other in a cycle.
  const insert = `
    INSERT INTO ${s}.usage_records (${names})
    SELECT DISTINCT ON (request_id) ${names}
    FROM ${unnestSql(usageRecordsTable)} WITH ORDINALITY AS batch (${names}, position)
    ORDER BY request_id, position
    ON CONFLICT (request_id) DO NOTHING`

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
      const params: unknown[] = [codec.date.write(query.from), codec.date.write(query.to)]
      const where = ['created_at >= $1', 'created_at < $2']
      for (const [column, value] of usageFilters(query)) {
        params.push(value)
        where.push(`${column} = $${params.length}`)
      }
      const { rows } = await pool.query<UsageAggregateRow>(
        `SELECT (${groupKeys[query.groupBy ?? 'total']}) COLLATE "C" AS key, ${usageSumsSql},
           count(*) AS requests, count(*) FILTER (WHERE NOT success) AS errors,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
         FROM ${s}.usage_records WHERE ${where.join(' AND ')}
         GROUP BY 1 ORDER BY 1`,
        params,
      )
      return toUsageAggregates(rows, query, codec)
    },
  }
}
