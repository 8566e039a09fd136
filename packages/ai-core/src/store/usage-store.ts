import type { CostSource } from '../cost/cost.js'
import type { Usage } from '../cost/usage.js'

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
  /** Model calls in this request (more than one in a tool loop). */
  steps: number
}

export type UsageGroupBy = 'day' | 'provider' | 'model' | 'user' | 'tenant'

export interface UsageQuery {
  from: Date
  /** Exclusive. */
  to: Date
  /** Without groupBy, one row with key "total". */
  groupBy?: UsageGroupBy
  tenantId?: string
  userId?: string
  projectId?: string
  provider?: string
  model?: string
}

/**
 * Aggregates over a group. Latency percentiles interpolate linearly between the closest ranks
 * (PostgreSQL's percentile_cont); rows without a user or tenant group under key "".
 * Day keys are UTC dates, "2026-11-22".
 */
export interface UsageAggregate extends Usage {
  key: string
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
  /** Rows sorted by key. */
  queryUsage(query: UsageQuery): Promise<UsageAggregate[]>
}
