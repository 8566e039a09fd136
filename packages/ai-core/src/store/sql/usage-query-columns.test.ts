import { describe, expect, it } from 'vitest'
import { usageFilters, usageGroupKeys, usageGroupSql, usageSumsSql } from './usage-query-columns.js'

describe('usage query columns', () => {
  const range = { from: new Date(0), to: new Date(1) }

  it('maps every filter the query sets to its column, in a fixed order', () => {
    expect(usageFilters(range)).toEqual([])
    expect(usageFilters({ ...range, model: 'm', tenantId: 't', projectId: 'p' })).toEqual([
      ['tenant_id', 't'],
      ['project_id', 'p'],
      ['model', 'm'],
    ])
  })

  it('groups by the dialect day and hour expressions, and users, tenants and projects under "" when missing', () => {
    const keys = usageGroupKeys('day(created_at)', 'hour(created_at)')
    expect(keys.day).toBe('day(created_at)')
    expect(keys.hour).toBe('hour(created_at)')
    expect(keys.user).toBe(`coalesce(user_id, '')`)
    expect(keys.project).toBe(`coalesce(project_id, '')`)
    expect(keys.total).toBe(`'total'`)
    expect(usageSumsSql).toMatch(
      /^sum\(input_tokens\) AS input_tokens, .*sum\(cost_nano_usd\) AS cost_nano_usd$/,
    )
  })

  it('selects one or two dimensions as key1 and key2', () => {
    const keys = usageGroupKeys('d', 'h')
    expect(usageGroupSql(range, keys)).toEqual({ select: `'total' AS key1, NULL AS key2`, groupBy: 'key1' })
    expect(usageGroupSql({ ...range, groupBy: 'hour' }, keys)).toEqual({
      select: 'h AS key1, NULL AS key2',
      groupBy: 'key1',
    })
    expect(usageGroupSql({ ...range, groupBy: ['day', 'model'] }, keys)).toEqual({
      select: 'd AS key1, model AS key2',
      groupBy: 'key1, key2',
    })
  })
})
