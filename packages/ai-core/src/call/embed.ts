import { addCost, type Cost, computeCost, estimatedCost, reportedCost, zeroCost } from '../cost/cost.js'
import { normalizeUsage } from '../cost/usage.js'
import { AbortedError, InvalidResponseError, toAimuxError, ValidationError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import { callInfo } from '../events/events.js'
import type { Reservation } from '../middleware/budget-guard.js'
import { compose, type EmbedModelCall, type ModelResponse } from '../middleware/middleware.js'
import type { CallContext } from '../spec/call-context.js'
import { tokenEstimatorFor } from '../spec/context-window.js'
import {
  type EmbedRequest,
  type EmbedResult,
  embedRequestSchema,
  type ProviderEmbeddingRequest,
  type ProviderEmbeddingResult,
} from '../spec/embedding.js'
import { type CallPolicy, retryPolicySchema } from '../spec/policy.js'
import type { ProviderAdapter } from '../spec/provider.js'
import type { RequestLimits } from '../spec/request.js'
import type { Scope } from '../spec/scope.js'
import type { UsageRecord } from '../store/usage-store.js'
import { createCallAbort } from './call-abort.js'
import { callAdapter, noEmbeddings } from './call-adapter.js'
import { isGroupRef, resolveAlias } from './prepare-call.js'
import type { Runtime } from './runtime.js'
import type { Served } from './step-result.js'

/** How many inputs one request to a provider takes when its adapter does not say. */
export const DEFAULT_EMBEDDING_BATCH_SIZE = 100
/** How many batches after the first run at once. */
export const EMBEDDING_CONCURRENCY = 4

/** A validated embedding request, resolved against the registry, ready to run. */
export interface PreparedEmbed {
  requestId: string
  scope: Scope
  provider: ProviderAdapter
  model: string
  input: string[]
  base: Omit<ProviderEmbeddingRequest, 'model' | 'input'>
  policy: CallPolicy
  signal: AbortSignal | undefined
  totalTimeoutMs: number | undefined
  limits: RequestLimits | undefined
  metadata: Record<string, unknown>
}

/** One batch's outcome, costed. */
interface BatchResult {
  served: Served
  embeddings: number[][]
  inputTokens: number
  cost: Cost
}

/** Validates and resolves an embedding request; every mistake is reported here, before anything is sent. */
export function prepareEmbed(rt: Runtime, input: EmbedRequest): PreparedEmbed {
  const req = validate(embedRequestSchema, input, 'embed request')
  const { provider, model } = embeddingModel(rt, req.model, 'model')
  const fallbacks = req.fallbacks?.map((name, i) => {
    const target = embeddingModel(rt, name, `fallbacks[${i}]`)
    return `${target.provider.id}:${target.model}`
  })
  const retry =
    req.retry === false
      ? false
      : req.retry === undefined
        ? rt.retry
        : { ...(rt.retry || retryPolicySchema.parse({})), ...req.retry }
  const policy: CallPolicy = { retry, cache: false }
  const attemptMs = req.timeout?.attemptMs ?? rt.timeout.attemptMs
  if (attemptMs !== undefined) policy.attemptTimeoutMs = attemptMs
  if (fallbacks) policy.fallbacks = fallbacks
  const base: PreparedEmbed['base'] = {}
  if (req.dimensions !== undefined) base.dimensions = req.dimensions
  if (req.providerOptions !== undefined) base.providerOptions = req.providerOptions
  return {
    requestId: req.requestId ?? rt.newId(),
    scope: req.scope ?? {},
    provider,
    model,
    input: typeof req.input === 'string' ? [req.input] : req.input,
    base,
    policy,
    signal: req.signal,
    totalTimeoutMs: req.timeout?.totalMs ?? rt.timeout.totalMs,
    limits: req.limits,
    metadata: req.metadata ?? {},
  }
}

/** A model an embedding request names (an alias or "provider:model") whose adapter can embed. */
function embeddingModel(rt: Runtime, name: string, field: string) {
  const ref = resolveAlias(rt.aliases, name)
  if (isGroupRef(ref)) {
    throw new ValidationError(
      `Invalid embed request: ${field}: '${name}' names the group '${ref}'; an embedding names one "provider:model", ` +
        'so that every vector comes from the same model.',
    )
  }
  const resolved = rt.registry.resolve(ref)
  if (!resolved.provider.embed) {
    const embedders = rt.registry.providers().filter((provider) => provider.embed)
    throw noEmbeddings(
      resolved.provider.id,
      resolved.model,
      embedders.map((provider) => provider.id),
    )
  }
  return resolved
}

/** The most inputs one request to `provider` takes. */
function batchSizeOf(provider: ProviderAdapter): number {
  const size = provider.embeddingBatchSize
  return size !== undefined && Number.isInteger(size) && size > 0 ? size : DEFAULT_EMBEDDING_BATCH_SIZE
}

/**
 * Runs an embedding request: its inputs split into batches of the provider's size, each batch
 * through the instance's middleware (rate limits, retries with backoff and Retry-After,
 * fallbacks, attempt timeout, circuit breaker, credential choice). The first batch runs alone and
 * fixes the model: the others go to the model that served it, with no fallback, so that every
 * vector comes from one model; they run a few at a time. The vectors come back in the inputs'
 * order, usage and cost summed exactly; the budgets reserve the inputs' estimated tokens at the
 * model's input price first and settle to the real cost; one usage record (operation 'embed')
 * covers the request, success or not.
 */
export async function runEmbed(rt: Runtime, p: PreparedEmbed): Promise<EmbedResult> {
  const leave = rt.inFlight.enter()
  const started = performance.now()
  const call = createCallAbort({
    requestId: p.requestId,
    mode: 'generate',
    signal: p.signal,
    totalTimeoutMs: p.totalTimeoutMs,
  })
  call.onRelease(rt.inFlight.hold(call))
  const size = batchSizeOf(p.provider)
  const batches: string[][] = []
  for (let i = 0; i < p.input.length; i += size) batches.push(p.input.slice(i, i + size))
  const results: BatchResult[] = []
  let served: Served = { provider: p.provider.id, model: p.model }
  let reservation: Reservation | undefined
  const record = (outcome: { success: boolean; errorCode?: string }) => {
    const done = results.filter((r) => r !== undefined)
    const cost = done.length === 0 ? zeroCost() : done.map((r) => r.cost).reduce(addCost)
    const inputTokens = done.reduce((sum, r) => sum + r.inputTokens, 0)
    rt.usage.add(usageRecordOf(p, served, done.length, inputTokens, cost, started, outcome))
    return { cost, inputTokens, settling: settle(rt, reservation, cost.nanoUsd) }
  }
  try {
    if (call.signal.aborted) throw new AbortedError('The call was aborted before it was sent.')
    if (rt.budgets?.appliesTo(p.limits)) {
      const estimator = tokenEstimatorFor(p.provider, p.model)
      const inputTokens = p.input.reduce(
        (sum, text) => sum + estimator.message({ role: 'user', content: text }),
        0,
      )
      const deadline = p.totalTimeoutMs ? Date.now() + p.totalTimeoutMs : undefined
      const limits = p.limits
      const at = { provider: p.provider.id, model: p.model, inputTokens }
      reservation = await rt.budgets.reserveInput(p.requestId, p.scope, at, deadline, limits)
    }
    const run = (index: number, target: { provider: ProviderAdapter; model: string }, policy: CallPolicy) =>
      runBatch(rt, p, {
        index,
        input: batches[index]!,
        target,
        policy,
        signal: call.signal,
        deadline: call.deadline,
      })
    const first = await run(0, p, p.policy)
    served = first.served
    results[0] = first
    // The rest go to the model that answered the first, never to a fallback of theirs.
    const pinned = { provider: rt.registry.provider(first.served.provider), model: first.served.model }
    const policy: CallPolicy = { ...p.policy, fallbacks: [] }
    let next = 1
    const worker = async () => {
      while (next < batches.length) {
        const index = next++
        results[index] = await run(index, pinned, policy)
      }
    }
    // A batch that fails stops the others: the request fails as a whole.
    const stopOthers = (error: unknown) => {
      call.abort(error)
      throw error
    }
    const workers = Array.from({ length: Math.min(EMBEDDING_CONCURRENCY, batches.length - 1) }, () =>
      worker().catch(stopOthers),
    )
    await Promise.all(workers)
    const { cost, inputTokens, settling } = record({ success: true })
    await settling
    return {
      embeddings: results.flatMap((r) => r.embeddings),
      provider: served.provider,
      model: served.model,
      usage: { inputTokens },
      cost,
      requestId: p.requestId,
      batches: results.length,
      latencyMs: performance.now() - started,
    }
  } catch (thrown) {
    const reason = call.timedOut() ? call.signal.reason : thrown
    const error = toAimuxError(reason, { signal: call.signal, requestId: p.requestId, ...served })
    call.abort(error)
    void record({ success: false, errorCode: error.code }).settling
    const { provider, model } = served
    rt.events.emit('error', { requestId: p.requestId, provider, model, scope: p.scope, error })
    throw error
  } finally {
    call.release()
    leave()
  }
}

/** One batch through the middleware chain to the adapter; emits 'request' per attempt, then 'response' and 'cost'. */
async function runBatch(
  rt: Runtime,
  p: PreparedEmbed,
  batch: {
    index: number
    input: string[]
    target: { provider: ProviderAdapter; model: string }
    policy: CallPolicy
    signal: AbortSignal
    deadline: number | undefined
  },
): Promise<BatchResult> {
  const ctx: CallContext = {
    requestId: p.requestId,
    scope: p.scope,
    signal: batch.signal,
    attempt: 1,
    step: batch.index + 1,
    policy: batch.policy,
    metadata: p.metadata,
  }
  if (batch.deadline !== undefined) ctx.deadline = batch.deadline
  let served: Served = { provider: batch.target.provider.id, model: batch.target.model }
  const started = performance.now()
  const pipeline = compose(rt.middleware, (modelCall) => {
    served = { provider: modelCall.provider.id, model: modelCall.request.model }
    const connectionId = modelCall.ctx.credentials?.connectionId
    if (connectionId) served.connectionId = connectionId
    rt.events.emit('request', {
      ...callInfo(modelCall.ctx, served.provider, served.model),
      operation: 'embed',
      stream: false,
      attempt: modelCall.ctx.attempt,
    })
    return modelCall.mode === 'embed' ? embedInBatches(modelCall) : callAdapter(modelCall)
  })
  const modelCall: EmbedModelCall = {
    provider: batch.target.provider,
    request: { ...p.base, model: batch.target.model, input: batch.input },
    ctx,
    mode: 'embed',
  }
  if (p.limits) modelCall.limits = p.limits
  const response = await pipeline(modelCall)
  if (response.mode !== 'embed')
    throw new InvalidResponseError('An embedding batch was answered as a chat call.')
  const result = checked(response.result, batch.input.length, served)
  const latencyMs = performance.now() - started
  const provider = rt.registry.provider(served.provider)
  const reported = result.usage?.inputTokens
  const inputTokens = reported ?? estimateInputTokens(provider, served.model, batch.input)
  const usage = normalizeUsage({ inputTokens })
  const price = rt.prices.resolve(served.provider, served.model)
  const cost =
    result.costNanoUsd !== undefined && Number.isFinite(result.costNanoUsd) && result.costNanoUsd >= 0
      ? reportedCost(Math.round(result.costNanoUsd))
      : reported === undefined
        ? estimatedCost(usage, price)
        : computeCost(usage, price)
  const info = { ...callInfo(ctx, served.provider, served.model), operation: 'embed' as const }
  if (cost.source === 'unknown') rt.events.emit('cost:unknown', { ...info, usage, cost })
  if (cost.source === 'unpriced') rt.events.emit('cost:unpriced', { ...info, usage })
  rt.events.emit('response', { ...info, finishReason: 'stop', usage, latencyMs, stream: false })
  rt.events.emit('cost', { ...info, usage, cost })
  return { served, embeddings: result.embeddings, inputTokens: usage.inputTokens, cost }
}

/**
 * The adapter's embed() for one batch; when a fallback led to a provider that takes fewer inputs
 * at once, the batch is sent in pieces of its size and joined.
 */
async function embedInBatches(call: EmbedModelCall): Promise<ModelResponse> {
  const size = batchSizeOf(call.provider)
  if (call.request.input.length <= size) return callAdapter(call)
  const embeddings: number[][] = []
  let inputTokens: number | undefined = 0
  let costNanoUsd: number | undefined = 0
  for (let i = 0; i < call.request.input.length; i += size) {
    const piece = { ...call, request: { ...call.request, input: call.request.input.slice(i, i + size) } }
    const response = await callAdapter(piece)
    if (response.mode !== 'embed') return response
    const result = checked(response.result, piece.request.input.length, {
      provider: call.provider.id,
      model: call.request.model,
    })
    embeddings.push(...result.embeddings)
    inputTokens =
      inputTokens === undefined || !result.usage ? undefined : inputTokens + result.usage.inputTokens
    costNanoUsd =
      costNanoUsd === undefined || result.costNanoUsd === undefined
        ? undefined
        : costNanoUsd + result.costNanoUsd
  }
  const joined: ProviderEmbeddingResult = { embeddings }
  if (inputTokens !== undefined) joined.usage = { inputTokens }
  if (costNanoUsd !== undefined) joined.costNanoUsd = costNanoUsd
  return { mode: 'embed', result: joined }
}

/** An adapter's answer must hold one vector per input. */
function checked(result: ProviderEmbeddingResult, inputs: number, served: Served): ProviderEmbeddingResult {
  if (!Array.isArray(result.embeddings) || result.embeddings.length !== inputs) {
    const got = Array.isArray(result.embeddings) ? result.embeddings.length : 'no'
    throw new InvalidResponseError(
      `${served.provider}:${served.model} answered ${got} embeddings for ${inputs} inputs.`,
      { provider: served.provider, model: served.model },
    )
  }
  return result
}

/** The inputs' tokens as the model's tokenizer counts them, else about four characters a token. */
function estimateInputTokens(provider: ProviderAdapter, model: string, input: readonly string[]): number {
  const estimator = tokenEstimatorFor(provider, model)
  return input.reduce((sum, text) => sum + estimator.message({ role: 'user', content: text }), 0)
}

function usageRecordOf(
  p: PreparedEmbed,
  served: Served,
  batches: number,
  inputTokens: number,
  cost: Cost,
  started: number,
  outcome: { success: boolean; errorCode?: string },
): UsageRecord {
  const record: UsageRecord = {
    ...normalizeUsage({ inputTokens }),
    ...p.scope,
    requestId: p.requestId,
    createdAt: new Date(),
    provider: served.provider,
    model: served.model,
    costNanoUsd: cost.nanoUsd,
    costSource: cost.source,
    latencyMs: performance.now() - started,
    stream: false,
    steps: batches,
    operation: 'embed',
    ...outcome,
  }
  if (served.connectionId !== undefined) record.connectionId = served.connectionId
  return record
}

/** Settles a reservation to what the request cost; thresholds are checked in the background. */
function settle(rt: Runtime, reservation: Reservation | undefined, nanoUsd: number): Promise<void> {
  const budgets = rt.budgets
  if (!reservation || !budgets) return Promise.resolve()
  const settling = budgets.settle(reservation, nanoUsd)
  rt.background.run('budget settlement', async () => {
    await settling
    await budgets.checkThresholds(reservation)
  })
  return settling.catch(() => {})
}
