import type { BatchCounts, BatchStatus } from '../spec/provider-batch.js'
import type { Scope } from '../spec/scope.js'
import type { SpendKey } from './spend-store.js'

// The batch port: the provider batch jobs `ai.batch.submit()` started, so that any instance on
// the same store can follow one, fetch its results and settle its budgets, once.

/** One request of a job: the id the caller gave it (or its position) and its usage record's id. */
export interface BatchJobRequest {
  customId: string
  requestId: string
}

/** The budget reservation a job holds from its submission until its results are settled. */
export interface BatchReservation {
  /** The spend store's reservation id. */
  id: string
  /** The estimate of every request at batch rates. */
  amountNanoUsd: number
  /** The budgets it counts on, with their periods as of the submission. */
  keys: { key: SpendKey; budget: { hard: boolean; thresholds: number[] }; limitNanoUsd: number }[]
  /** The provider's completion window plus a margin: the reservation stops counting after it. */
  expiresAt: Date
}

/**
 * One job as stored. Every field round-trips through every store: JSON fields come back
 * deep-equal, an absent optional field stays absent, times keep their milliseconds.
 */
export interface BatchJob {
  /** aimux's id of the job ('batch_...'). */
  id: string
  provider: string
  /** The provider's own model id. */
  model: string
  /** The provider's id of the job. */
  providerBatchId: string
  status: BatchStatus
  counts: BatchCounts
  scope: Scope
  /** In the order they were submitted. */
  requests: BatchJobRequest[]
  reservation?: BatchReservation
  createdAt: Date
  updatedAt: Date
  /** When the provider gives up on the job, when it said. */
  expiresAt?: Date
  /** When the job ended, when it has. */
  endedAt?: Date
  /** Why the job failed as a whole. */
  error?: string
  /** When its results were recorded as usage and its reservation settled (once). */
  settledAt?: Date
  /** What its requests cost at batch rates, once settled. */
  costNanoUsd?: number
  metadata?: Record<string, unknown>
}

/** What a refresh from the provider changes. An absent optional field keeps its stored value. */
export interface BatchJobUpdate {
  status: BatchStatus
  counts: BatchCounts
  updatedAt: Date
  expiresAt?: Date
  endedAt?: Date
  error?: string
}

export interface BatchListOptions {
  status?: BatchStatus
  provider?: string
  tenantId?: string
  userId?: string
  projectId?: string
  /** At most this many, newest first. */
  limit?: number
}

export interface BatchStore {
  /** Adds a job as given; an id already stored is a StoreError. */
  create(job: BatchJob): Promise<void>
  get(id: string): Promise<BatchJob | undefined>
  /** Applies a refresh; the job as it is now, or undefined when there is none. */
  update(id: string, update: BatchJobUpdate): Promise<BatchJob | undefined>
  /**
   * Marks the job settled at `at` with its cost, atomically and only once: true for the one
   * caller that did it, false when it was settled already (or there is no such job). The winner
   * records the usage and settles the budgets; everyone else leaves them alone.
   */
  settle(id: string, settlement: { at: Date; costNanoUsd: number }): Promise<boolean>
  /** Jobs newest first (by createdAt, then id, highest first), filtered as asked. */
  list(options?: BatchListOptions): Promise<BatchJob[]>
}
