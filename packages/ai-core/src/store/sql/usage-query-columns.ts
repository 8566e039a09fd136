import type { UsageGroupBy, UsageQuery } from '../usage-store.js'

/** The column each filter of a UsageQuery compares with `=`. */
export const usageFilterColumns = {
  tenantId: 'tenant_id',
  userId: 'user_id',
  projectId: 'project_id',
  provider: 'provider',
  model: 'model',
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
 * The SQL expression each grouping groups by ('total' when the query has no groupBy): records
 * without a user or tenant group under "". `day` is the dialect's UTC calendar date of
 * created_at as "2026-11-22".
 */
export function usageGroupKeys(day: string): Record<UsageGroupBy | 'total', string> {
  return {
    total: `'total'`,
    day,
    provider: 'provider',
    model: 'model',
    user: `coalesce(user_id, '')`,
    tenant: `coalesce(tenant_id, '')`,
  }
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
