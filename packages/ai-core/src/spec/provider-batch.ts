import type { CallContext } from './call-context.js'
import type { ProviderRequest, ProviderResult } from './provider.js'

/**
 * Where a batch job stands. `submitted`: the provider accepted it and is checking it;
 * `in_progress`: it runs (a job being cancelled stays here until it ends); `completed`, `expired`
 * (its completion window passed: the requests that finished have results, the others errors) and
 * `cancelled` have ended with results; `failed`: the provider refused the job as a whole, nothing
 * ran.
 */
export type BatchStatus = 'submitted' | 'in_progress' | 'completed' | 'failed' | 'expired' | 'cancelled'

/** The states after which nothing changes any more. */
export const finalBatchStatuses: readonly BatchStatus[] = ['completed', 'failed', 'expired', 'cancelled']

/** How many of a job's requests have an answer: `total` = `succeeded` + `failed` + `pending`. */
export interface BatchCounts {
  total: number
  succeeded: number
  /** Errored, expired or cancelled before they ran. */
  failed: number
  /** Not answered yet. */
  pending: number
}

/** One request of a batch, as an adapter sends it: the chat mapping's request and its id. */
export interface ProviderBatchRequest {
  customId: string
  request: ProviderRequest
}

/** A job as its provider reports it. */
export interface ProviderBatchState {
  /** The provider's id of the job ('batch_abc', 'msgbatch_01...'). */
  id: string
  status: BatchStatus
  counts: BatchCounts
  /** When the provider gives up on the job (its completion window), when it says. */
  expiresAt?: Date
  /** When the job ended, when it has. */
  endedAt?: Date
  /** Why a job failed as a whole, in the provider's words (no secret). */
  error?: string
}

/** One request's answer: a result mapped as a chat call's, or the typed error it ended with. */
export type ProviderBatchItem =
  | { customId: string; result: ProviderResult }
  | { customId: string; error: Error }

/**
 * A provider's batch API: many chat requests in one job, answered within a completion window at
 * batch rates. Each request is mapped exactly as the adapter maps a chat call's, and each result
 * as a chat result. Errors are typed as a call's are (errorFromStatus).
 */
export interface ProviderBatch {
  /**
   * The batch rates as a fraction of the normal ones: 0.5 for OpenAI, Anthropic and Gemini.
   * Every rate of the model's price (input, cache, output, reasoning, tiers) is multiplied by it.
   */
  priceFactor: number
  /** How long the provider gives a job before it expires, in milliseconds (24 h). */
  completionWindowMs: number
  submit(requests: readonly ProviderBatchRequest[], ctx: CallContext): Promise<ProviderBatchState>
  /** The job's state now. */
  retrieve(id: string, ctx: CallContext): Promise<ProviderBatchState>
  /**
   * Every answer of an ended job (completed, expired or cancelled), in any order, each with its
   * customId. A request without an answer is left out; the core reports it as an error.
   */
  results(id: string, ctx: CallContext): Promise<ProviderBatchItem[]>
  /** Asks the provider to stop the job; requests already answered keep their results. */
  cancel?(id: string, ctx: CallContext): Promise<ProviderBatchState>
}
