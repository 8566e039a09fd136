import { z } from 'zod'
import { addCost, type Cost, zeroCost } from '../cost/cost.js'
import { emptyUsage } from '../cost/usage.js'
import {
  type AimuxError,
  ConfigError,
  NotFoundError,
  ProviderError,
  toAimuxError,
  ValidationError,
} from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import { type CallContext, newContext } from '../spec/call-context.js'
import { tokenEstimatorFor } from '../spec/context-window.js'
import type { ProviderAdapter, ProviderRequest } from '../spec/provider.js'
import {
  type BatchCounts,
  type BatchStatus,
  finalBatchStatuses,
  type ProviderBatch,
  type ProviderBatchItem,
  type ProviderBatchState,
} from '../spec/provider-batch.js'
import { type ChatRequest, chatRequestSchema } from '../spec/request.js'
import type { ChatResult } from '../spec/result.js'
import { type Scope, scopeSchema } from '../spec/scope.js'
import type { BatchJob, BatchListOptions, BatchStore } from '../store/batch-store.js'
import type { UsageRecord } from '../store/usage-store.js'
import {
  BATCH_RESERVATION_MARGIN_MS,
  type BatchBudgetDeps,
  releaseBatch,
  reserveBatch,
  settleBatch,
} from './batch-budget.js'
import { batchPrices } from './batch-prices.js'
import { prepareCall } from './prepare-call.js'
import type { Runtime } from './runtime.js'
import { chatResult, stepResult } from './step-result.js'

/** What a batch request takes: a chat request's content and sampling, without per-call policies. */
export const batchRequestSchema = chatRequestSchema
  .pick({
    system: true,
    messages: true,
    tools: true,
    toolChoice: true,
    schema: true,
    schemaName: true,
    responseFormat: true,
    temperature: true,
    topP: true,
    maxOutputTokens: true,
    stop: true,
    seed: true,
    reasoning: true,
    providerOptions: true,
  })
  .extend({
    /** The request's id in the job, unique in it; default its position ("0", "1", ...). */
    customId: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes')
      .optional(),
  })

/** One request of a batch: what `ai.chat()` takes for the content of a call, and an optional `customId`. */
export type BatchRequest = Pick<
  ChatRequest,
  | 'system'
  | 'messages'
  | 'tools'
  | 'toolChoice'
  | 'schema'
  | 'schemaName'
  | 'responseFormat'
  | 'temperature'
  | 'topP'
  | 'maxOutputTokens'
  | 'stop'
  | 'seed'
  | 'reasoning'
  | 'providerOptions'
> & { customId?: string }

export const batchSubmitOptionsSchema = z.strictObject({
  /** "provider:model" (or an alias); the instance's defaultModel when absent. */
  model: z.string().min(1).optional(),
  scope: scopeSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  signal: z.instanceof(AbortSignal).optional(),
})
export type BatchSubmitOptions = z.input<typeof batchSubmitOptionsSchema>

/** One request's answer from `ai.batch.results()`: its ChatResult, or the typed error it ended with. */
export type BatchResultItem =
  | { customId: string; requestId: string; ok: true; result: ChatResult }
  | { customId: string; requestId: string; ok: false; error: AimuxError }

/** `ai.batch`: provider batch jobs, persisted in the store, costed at batch rates. */
export interface BatchApi {
  /**
   * Submits the requests as one job of the model's provider (OpenAI's Batch API, Anthropic's
   * Message Batches, Gemini's batch mode), after reserving their estimate at batch rates on the
   * scope's budgets. Resolves to the stored job; a ConfigError when the provider has no batches.
   */
  submit(requests: readonly BatchRequest[], options?: BatchSubmitOptions): Promise<BatchJob>
  /** The job, refreshed from its provider until it has ended; a NotFoundError for an unknown id. */
  get(id: string): Promise<BatchJob>
  /**
   * One item per request, in the order submitted, once the job has ended (a NotFoundError
   * before). The first call records each request's usage at batch rates and settles the
   * job's reservation; later calls, from any instance on the store, return the same answers
   * without recording them again.
   */
  results(id: string): Promise<BatchResultItem[]>
  /** Asks the provider to stop the job; the answers it has already given stay billable and fetchable. */
  cancel(id: string): Promise<BatchJob>
  /** Stored jobs, newest first, without refreshing them. */
  list(options?: BatchListOptions): Promise<BatchJob[]>
}

export interface BatchDeps {
  rt: Runtime
  batches: BatchStore
  budget: Omit<BatchBudgetDeps, 'guard'>
}

const isFinal = (status: BatchStatus) => finalBatchStatuses.includes(status)

export function createBatchApi(deps: BatchDeps): BatchApi {
  const { rt, batches } = deps
  const budget: BatchBudgetDeps = { ...deps.budget, guard: rt.budgets }
  const now = budget.now

  /** The provider's batch port, or a ConfigError naming the providers that have one. */
  function batchOf(provider: ProviderAdapter): ProviderBatch {
    if (provider.batch) return provider.batch
    const able = rt.registry
      .providers()
      .filter((p) => p.batch)
      .map((p) => p.id)
    throw new ConfigError(
      `Provider '${provider.id}' has no batch API. Providers with one here: ${able.join(', ') || 'none'}.`,
      { provider: provider.id },
    )
  }

  /** Runs one provider call of a job: counted in flight for close(), errors typed. */
  async function call<T>(
    job: { id: string; provider: string; model: string; scope: Scope },
    signal: AbortSignal | undefined,
    run: (ctx: CallContext) => Promise<T>,
  ): Promise<T> {
    rt.ensureOpen()
    const leave = rt.inFlight.enter()
    const ctx = { ...newContext(job.id, signal), scope: job.scope }
    try {
      return await run(ctx)
    } catch (error) {
      throw toAimuxError(error, {
        signal: ctx.signal,
        requestId: job.id,
        provider: job.provider,
        model: job.model,
      })
    } finally {
      leave()
    }
  }

  async function load(
    id: string,
  ): Promise<{ job: BatchJob; provider: ProviderAdapter; batch: ProviderBatch }> {
    const job = await batches.get(id)
    if (!job) throw new NotFoundError(`No batch job '${id}'.`)
    const provider = rt.registry.provider(job.provider)
    return { job, provider, batch: batchOf(provider) }
  }

  async function refresh(job: BatchJob, state: ProviderBatchState): Promise<BatchJob> {
    const updated = await batches.update(job.id, {
      status: state.status,
      counts: countsOf(state, job.requests.length),
      updatedAt: now(),
      ...(state.expiresAt ? { expiresAt: state.expiresAt } : {}),
      ...(state.endedAt ? { endedAt: state.endedAt } : {}),
      ...(state.error !== undefined ? { error: state.error } : {}),
    })
    if (!updated) throw new NotFoundError(`No batch job '${job.id}'.`)
    // A job refused as a whole ran nothing: its reservation goes, once.
    if (
      updated.status === 'failed' &&
      !updated.settledAt &&
      (await batches.settle(job.id, { at: now(), costNanoUsd: 0 }))
    ) {
      if (updated.reservation) await releaseBatch(budget, updated.reservation)
      return (await batches.get(job.id)) ?? updated
    }
    return updated
  }

  async function get(id: string): Promise<BatchJob> {
    const { job, batch } = await load(id)
    if (isFinal(job.status)) return job
    const state = await call(job, undefined, (ctx) => batch.retrieve(job.providerBatchId, ctx))
    return refresh(job, state)
  }

  /** The usage records, events and budget settlement of a job's answers, by the one caller that settles it. */
  async function record(job: BatchJob, items: readonly BatchResultItem[], total: Cost) {
    if (!(await batches.settle(job.id, { at: now(), costNanoUsd: total.nanoUsd }))) return
    const createdAt = now()
    const records: UsageRecord[] = items.map((item) => {
      const base = {
        requestId: item.requestId,
        createdAt,
        ...job.scope,
        provider: job.provider,
        stream: false,
        steps: 1,
        operation: 'chat' as const,
      }
      if (!item.ok) {
        return {
          ...base,
          model: job.model,
          ...emptyUsage(),
          costNanoUsd: 0,
          costSource: 'catalog',
          latencyMs: latencyOf(job),
          success: false,
          errorCode: item.error.code,
        }
      }
      const { result } = item
      return {
        ...base,
        ...result.usage,
        model: result.model,
        costNanoUsd: result.cost.nanoUsd,
        costSource: result.cost.source,
        latencyMs: result.latencyMs,
        success: true,
      }
    })
    for (const usage of records) rt.usage.add(usage)
    for (const item of items) {
      if (!item.ok) continue
      const { result } = item
      const info = {
        requestId: item.requestId,
        provider: job.provider,
        model: result.model,
        scope: job.scope,
        step: 1,
      }
      rt.events.emit('cost', { ...info, usage: result.usage, cost: result.cost })
    }
    if (job.reservation) await settleBatch(budget, job.reservation, total.nanoUsd)
  }

  return {
    async submit(requests, options = {}) {
      rt.ensureOpen()
      const opts = validate(batchSubmitOptionsSchema, options, 'batch options')
      if (!Array.isArray(requests) || requests.length === 0)
        throw new ValidationError('Invalid batch: requests: must hold at least one request')
      const seen = new Set<string>()
      const prepared = requests.map((input, index) => {
        const checked = validate(batchRequestSchema, input, `batch request ${index}`)
        const customId = checked.customId ?? String(index)
        if (seen.has(customId))
          throw new ValidationError(`Invalid batch: requests[${index}].customId: '${customId}' is used twice`)
        seen.add(customId)
        const { customId: _id, ...chat } = input
        const p = prepareCall(rt, {
          ...(chat as ChatRequest),
          ...(opts.model ? { model: opts.model } : {}),
          ...(opts.scope ? { scope: opts.scope } : {}),
        })
        const request: ProviderRequest = { ...p.base, messages: p.messages }
        return { customId, p, request }
      })
      const first = prepared[0]!.p
      const provider = first.provider
      const model = first.model
      const batch = batchOf(provider)
      const scope = opts.scope ?? {}
      const id = `batch_${rt.newId()}`
      const createdAt = now()
      const prices = batchPrices(rt.prices, batch.priceFactor)
      const reservation = await reserveBatch(budget, {
        id,
        scope,
        provider: provider.id,
        model,
        requests: prepared.map((r) => r.request),
        prices,
        estimator: tokenEstimatorFor(provider, model),
        expiresAt: new Date(createdAt.getTime() + batch.completionWindowMs + BATCH_RESERVATION_MARGIN_MS),
      })
      const ref = { id, provider: provider.id, model, scope }
      let state: ProviderBatchState
      try {
        state = await call(ref, opts.signal, (ctx) =>
          batch.submit(
            prepared.map(({ customId, request }) => ({ customId, request })),
            ctx,
          ),
        )
      } catch (error) {
        if (reservation) await releaseBatch(budget, reservation)
        throw error
      }
      const job: BatchJob = {
        id,
        provider: provider.id,
        model,
        providerBatchId: state.id,
        status: state.status,
        counts: countsOf(state, prepared.length),
        scope,
        requests: prepared.map(({ customId }) => ({ customId, requestId: `${id}:${customId}` })),
        createdAt,
        updatedAt: createdAt,
        ...(reservation ? { reservation } : {}),
        ...(state.expiresAt ? { expiresAt: state.expiresAt } : {}),
        ...(state.endedAt ? { endedAt: state.endedAt } : {}),
        ...(state.error !== undefined ? { error: state.error } : {}),
        ...(opts.metadata ? { metadata: opts.metadata } : {}),
      }
      await batches.create(job)
      return job
    },

    get,

    async results(id) {
      const current = await get(id)
      if (!isFinal(current.status)) {
        const { succeeded, failed, total } = current.counts
        throw new NotFoundError(
          `Batch job '${id}' has no results yet: it is ${current.status} (${succeeded + failed} of ${total} requests answered).`,
        )
      }
      const { job, batch } = await load(id)
      if (job.status === 'failed') {
        const message = `Batch job '${id}' failed as a whole${job.error ? `: ${job.error}` : ''}; nothing ran.`
        return job.requests.map(({ customId, requestId }) => ({
          customId,
          requestId,
          ok: false as const,
          error: new ProviderError(message, { provider: job.provider, model: job.model, requestId }),
        }))
      }
      const answers = await call(job, undefined, (ctx) => batch.results(job.providerBatchId, ctx))
      const byId = new Map<string, ProviderBatchItem>(answers.map((a) => [a.customId, a]))
      const prices = batchPrices(rt.prices, batch.priceFactor)
      const latencyMs = latencyOf(job)
      let total = zeroCost('catalog')
      const items = job.requests.map(({ customId, requestId }): BatchResultItem => {
        const answer = byId.get(customId)
        const context = { requestId, provider: job.provider, model: job.model }
        if (!answer) {
          const error = new ProviderError(
            `Batch job '${id}' has no answer for request '${customId}' (its status: ${job.status}).`,
            context,
          )
          return { customId, requestId, ok: false, error }
        }
        if ('error' in answer)
          return { customId, requestId, ok: false, error: toAimuxError(answer.error, context) }
        const served = { provider: job.provider, model: job.model }
        const step = stepResult(prices, 1, served, answer.result, latencyMs, false, [])
        total = addCost(total, step.cost)
        return { customId, requestId, ok: true, result: chatResult(requestId, [step], latencyMs) }
      })
      if (!job.settledAt) await record(job, items, total)
      return items
    },

    async cancel(id) {
      const { job, batch } = await load(id)
      if (isFinal(job.status)) return job
      if (!batch.cancel) throw new ConfigError(`Provider '${job.provider}' cannot cancel a batch job.`)
      const state = await call(job, undefined, (ctx) => batch.cancel!(job.providerBatchId, ctx))
      return refresh(job, state)
    },

    list(options) {
      return batches.list(options)
    },
  }
}

/** The provider's counts, or, when it gives none (a total of 0), every request as pending. */
function countsOf(state: ProviderBatchState, requests: number): BatchCounts {
  const { counts } = state
  if (counts.total > 0) return counts
  const pending = Math.max(0, requests - counts.succeeded - counts.failed)
  return { total: requests, succeeded: counts.succeeded, failed: counts.failed, pending }
}

/** From the job's submission to its end (or now): how long its requests took. */
function latencyOf(job: BatchJob): number {
  return Math.max(0, (job.endedAt ?? new Date()).getTime() - job.createdAt.getTime())
}
