import type { CostSource } from '../cost/cost.js'
import type { Usage } from '../cost/usage.js'
import type { UsageOperation } from '../spec/embedding.js'

// The usage port: one record per call, and aggregates over them.

/** One record per call, idempotent on requestId. */
export interface UsageRecord extends Usage {
  requestId: string
  createdAt: Date
  tenantId?: string
  userId?: string
  projectId?: string
  provider: string
  model: string
  connectionId?: string
  conversationId?: string
  costNanoUsd: number
  costSource: CostSource
  latencyMs: number
  timeToFirstTokenMs?: number
  success: boolean
  errorCode?: string
  stream: boolean
  /** Model calls in this request (more than one in a tool loop; an embedding's batches). */
  steps: number
  /** What the request was: a chat request (`chat`, `stream`, a conversation turn) or `embed`. */
  operation: UsageOperation
  /**
   * What plugins counted for this request, by name (`{ 'guardrails.redacted.email': 2 }`): how
   * often something happened, never the data itself. Absent when nothing was counted.
   */
  counts?: Record<string, number>
}

/**
 * A dimension usage can be grouped by. `hour` and `day` are UTC buckets of createdAt; `user`,
 * `tenant` and `project` group records without one under "".
 */
export type UsageGroupBy = 'hour' | 'day' | 'provider' | 'model' | 'user' | 'tenant' | 'project'

/** How the rows of a usage query are ordered: by their keys (the default), or by cost or requests, highest first. */
export type UsageOrderBy = 'key' | 'cost' | 'requests'

export interface UsageQuery {
  from: Date
  /** Exclusive. */
  to: Date
  /**
   * One dimension, or two (`['day', 'model']`: one row per day and model). Without groupBy, one
   * row with key "total".
   */
  groupBy?: UsageGroupBy | UsageGroupBy[]
  /** `cost` and `requests` order from the highest down, ties by keys. Default `key`. */
  orderBy?: UsageOrderBy
  /** At most this many rows, the first after ordering (top-N with `orderBy: 'cost'`). */
  limit?: number
  /**
   * true (the default): exact latency percentiles, which read every matching latency. false:
   * percentiles stay 0, for queries that only need sums and counts. 'approximate': percentiles
   * from latency buckets about 5% wide (the upper bound of the bucket holding the value of
   * nearest rank), which the SQL stores read from per-day counts; sums and counts stay exact.
   */
  percentiles?: boolean | 'approximate'
  tenantId?: string
  userId?: string
  projectId?: string
  provider?: string
  model?: string
  /**
   * Only chat requests or only embeddings. The SQL stores' per-day sums do not keep the
   * operation, so a query with it reads the records (usageDailyRange).
   */
  operation?: UsageOperation
}

/**
 * Aggregates over a group. Latency percentiles interpolate linearly between the closest ranks
 * (PostgreSQL's percentile_cont); rows without a user, tenant or project group under "".
 * Day keys are UTC dates, "2026-11-22"; hour keys UTC hours, "2026-11-22T13:00Z".
 */
export interface UsageAggregate extends Usage {
  /** The group's keys joined with " / " ("2026-11-22 / gpt-4o"); "total" without groupBy. */
  key: string
  /** One key per groupBy dimension, in the query's order (["2026-11-22", "gpt-4o"]); ["total"] without groupBy. */
  keys: string[]
  requests: number
  errors: number
  errorRate: number
  costNanoUsd: number
  latencyP50Ms: number
  latencyP95Ms: number
  latencyP99Ms: number
}

export interface UsageStore {
  /** Writes a batch; a record whose requestId is already stored is ignored. */
  recordUsage(records: readonly UsageRecord[]): Promise<void>
  getUsage(requestId: string): Promise<UsageRecord | undefined>
  /** Rows sorted by keys (each compared by code unit), or as the query's orderBy says. */
  queryUsage(query: UsageQuery): Promise<UsageAggregate[]>
  /**
   * Deletes the records of the UTC days before `before` (rounded down to its day), keeping their
   * per-day sums: a query that may read those (usageDailyRange: no exact percentiles, no hours, no
   * operation) still counts them over whole days; one that reads records no longer does. How
   * many records it deleted.
   */
  compactUsageBefore(before: Date): Promise<number>
}
