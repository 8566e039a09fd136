import { usageDimensions } from '../kit/usage-aggregate.js'
import type { UsageGroupBy, UsageQuery } from '../usage-store.js'

/** The column each filter of a UsageQuery compares with `=`. */
export const usageFilterColumns = {
  tenantId: 'tenant_id',
  userId: 'user_id',
  projectId: 'project_id',
  provider: 'provider',
  model: 'model',
  operation: 'operation',
} as const satisfies Partial<Record<keyof UsageQuery, string>>

/** [column, value] for every filter the query sets, in a fixed order. */
export function usageFilters(query: UsageQuery): [column: string, value: string][] {
  const filters: [string, string][] = []
  for (const [field, column] of Object.entries(usageFilterColumns)) {
    const value = query[field as keyof typeof usageFilterColumns]
    if (value !== undefined) filters.push([column, value])
  }
  return filters
}

/**
 * The SQL expression of each dimension ('total' when the query has no groupBy): records without a
 * user, tenant or project group under "". `day` and `hour` are the dialect's UTC calendar date
 * ("2026-11-22") and UTC hour ("2026-11-22T13:00Z") of created_at.
 */
export function usageGroupKeys(day: string, hour: string): Record<UsageGroupBy | 'total', string> {
  return {
    total: `'total'`,
    hour,
    day,
    provider: 'provider',
    model: 'model',
    user: `coalesce(user_id, '')`,
    tenant: `coalesce(tenant_id, '')`,
    project: `coalesce(project_id, '')`,
  }
}

/**
 * The select list and GROUP BY of a query's groups: each dimension's expression as key1, key2
 * (key2 NULL with one dimension), and the dimensions in order.
 */
export function usageGroupSql(
  query: UsageQuery,
  keys: Record<UsageGroupBy | 'total', string>,
): { select: string; groupBy: string } {
  const dimensions = usageDimensions(query.groupBy)
  const expressions = dimensions.length === 0 ? [keys.total] : dimensions.map((d) => keys[d])
  const select = [expressions[0]!, expressions[1] ?? 'NULL'].map((e, i) => `${e} AS key${i + 1}`).join(', ')
  return { select, groupBy: expressions.map((_, i) => `key${i + 1}`).join(', ') }
}

/** The columns of usage_records an aggregate sums, each returned under its own name. */
export const usageSummedColumns = [
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost_nano_usd',
] as const

/** `sum(input_tokens) AS input_tokens, ...`: the sums of an aggregate's select list. */
export const usageSumsSql = usageSummedColumns.map((column) => `sum(${column}) AS ${column}`).join(', ')

/**
 * The select list of an aggregate over usage_daily, the per-day sums both SQL stores keep: the
 * same sums, and the requests and errors counted into it.
 */
export const usageDailySumsSql = [...usageSummedColumns, 'requests', 'errors']
  .map((column) => `sum(${column}) AS ${column}`)
  .join(', ')
