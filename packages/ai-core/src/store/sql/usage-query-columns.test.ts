import { describe, expect, it } from 'vitest'
import { usageFilters, usageGroupKeys, usageSumsSql } from './usage-query-columns.js'

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

  it('groups by the dialect day expression, and users and tenants under "" when missing', () => {
    const keys = usageGroupKeys('day(created_at)')
    expect(keys.day).toBe('day(created_at)')
    expect(keys.user).toBe(`coalesce(user_id, '')`)
    expect(keys.total).toBe(`'total'`)
    expect(usageSumsSql).toMatch(
      /^sum\(input_tokens\) AS input_tokens, .*sum\(cost_nano_usd\) AS cost_nano_usd$/,
    )
  })
})
