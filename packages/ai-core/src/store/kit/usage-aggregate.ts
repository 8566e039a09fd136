import { addUsage, emptyUsage } from '../../cost/usage.js'
import type { UsageAggregate, UsageGroupBy, UsageQuery, UsageRecord } from '../usage-store.js'
import { compareStrings } from './compare-strings.js'

/**
 * The value at `fraction` (0..1) of ascending `sorted` values, interpolating linearly between the
 * closest ranks exactly as PostgreSQL's percentile_cont does. 0 for no values.
 */
export function percentileCont(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0
  const position = fraction * (sorted.length - 1)
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower]!
  return low + (position - lower) * (sorted[upper]! - low)
}

/** The UTC calendar date of `date`, "2026-11-22". */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** The group a record falls in; records without a user or tenant group under "". */
export function usageGroupKey(record: UsageRecord, groupBy: UsageGroupBy | undefined): string {
  switch (groupBy) {
    case undefined:
      return 'total'
    case 'day':
      return utcDay(record.createdAt)
    case 'provider':
      return record.provider
    case 'model':
      return record.model
    case 'user':
      return record.userId ?? ''
    case 'tenant':
      return record.tenantId ?? ''
  }
}

/** Whether a record lies in [from, to) and matches every filter the query sets. */
export function matchesUsageQuery(record: UsageRecord, query: UsageQuery): boolean {
  const at = record.createdAt.getTime()
  if (at < query.from.getTime() || at >= query.to.getTime()) return false
  return (
    (query.tenantId === undefined || record.tenantId === query.tenantId) &&
    (query.userId === undefined || record.userId === query.userId) &&
    (query.projectId === undefined || record.projectId === query.projectId) &&
    (query.provider === undefined || record.provider === query.provider) &&
    (query.model === undefined || record.model === query.model)
  )
}

/** Sums, error rate and latency percentiles (over every request, failed ones included) of one group. */
export function aggregateGroup(key: string, records: readonly UsageRecord[]): UsageAggregate {
  let usage = emptyUsage()
  let costNanoUsd = 0
  let errors = 0
  for (const record of records) {
    usage = addUsage(usage, record)
    costNanoUsd += record.costNanoUsd
    if (!record.success) errors++
  }
  const latencies = records.map((r) => r.latencyMs).sort((a, b) => a - b)
  return {
    key,
    ...usage,
    requests: records.length,
    errors,
    errorRate: records.length === 0 ? 0 : errors / records.length,
    costNanoUsd,
    latencyP50Ms: percentileCont(latencies, 0.5),
    latencyP95Ms: percentileCont(latencies, 0.95),
    latencyP99Ms: percentileCont(latencies, 0.99),
  }
}

/**
 * Aggregates the records matching `query`, one row per group sorted by key; without groupBy,
 * one row keyed "total" (all zeros when nothing matches).
 */
export function aggregateUsage(records: Iterable<UsageRecord>, query: UsageQuery): UsageAggregate[] {
  const groups = new Map<string, UsageRecord[]>()
  if (query.groupBy === undefined) groups.set('total', [])
  for (const record of records) {
    if (!matchesUsageQuery(record, query)) continue
    const key = usageGroupKey(record, query.groupBy)
    const group = groups.get(key)
    if (group) group.push(record)
    else groups.set(key, [record])
  }
  return [...groups.keys()].sort(compareStrings).map((key) => aggregateGroup(key, groups.get(key)!))
}
