import type { z } from 'zod'
import { addCost, type Cost, computeCost, reportedCost, zeroCost } from '../cost/cost.js'
import type { PriceCatalog } from '../cost/price-catalog.js'
import { addUsage, emptyUsage, normalizeUsage, type Usage } from '../cost/usage.js'
import {
  AbortedError,
  AimuxError,
  ConfigError,
  StreamInterruptedError,
  TimeoutError,
  toAimuxError,
  ValidationError,
} from '../errors/errors.js'
import { redactSecrets } from '../errors/redact-secrets.js'
import { validate } from '../errors/validate.js'
import type { BackgroundWork } from '../events/background-work.js'
import type { EventBus } from '../events/event-bus.js'
import { callInfo } from '../events/events.js'
import type { BudgetGuard, Reservation } from '../middleware/budget-guard.js'
import { compose, type Middleware, type ModelCall, type ModelResponse } from '../middleware/middleware.js'
import type { ModelGroup, Router } from '../middleware/router.js'
import { type CallContext, markCannotAbort } from '../spec/call-context.js'
import { estimateTokens } from '../spec/context-window.js'
import {
  type AssistantMessage,
  type AssistantPart,
  type Message,
  type ToolMessage,
  textOfParts,
} from '../spec/message.js'
import { type CallPolicy, type RetryPolicy, retryPolicySchema, type TimeoutPolicy } from '../spec/policy.js'
import type {
  ProviderAdapter,
  ProviderRequest,
  ProviderResult,
  ProviderStreamPart,
} from '../spec/provider.js'
import type { Registry } from '../spec/registry.js'
import type { ChatRequest, chatRequestSchema } from '../spec/request.js'
import type { ChatResult, StepResult, StreamPart } from '../spec/result.js'
import type { Scope } from '../spec/scope.js'
import { createStreamAssembler } from '../spec/stream-assembler.js'
import { type Tool, type ToolCall, toToolSpec } from '../spec/tool.js'
import type { UsageRecord } from '../store/store.js'
import type { InFlight } from './in-flight.js'
import type { RequestHook } from './request-hook.js'
import { runTools, toolResultPart } from './run-tools.js'
import { parseStructuredOutput, responseFormatFor } from './structured-output.js'
import type { UsageSink } from './usage-sink.js'

/** What a call needs from its instance. */
export interface Runtime {
  registry: Registry
  /** The chat request schema with the fields plugins added. */
  requestSchema: typeof chatRequestSchema
  /** Plugins' hooks, run before each request's first model call. */
  requestHooks: readonly RequestHook[]
  middleware: readonly Middleware[]
  prices: PriceCatalog
  events: EventBus
  usage: UsageSink
  /** Work after a call that must not delay it: settling budgets. */
  background: BackgroundWork
  budgets: BudgetGuard | undefined
  /** Model groups a request can name as "@name", and the router that orders them. */
  groups: Record<string, ModelGroup>
  router: Router
  /** The instance's retry and timeout settings; a request may override them. */
  retry: RetryPolicy | false
  timeout: TimeoutPolicy
  inFlight: InFlight
  defaultModel: string | undefined
  maxSteps: number
  newId(): string
  /** Throws ClosedError once the instance is closed. */
  ensureOpen(): void
}

/** Hooks a conversation uses to persist each step as it happens, before the caller sees it end. */
export interface RunHooks {
  conversationId?: string
  onToolStep?(assistant: AssistantMessage, tool: ToolMessage, step: StepResult): Promise<void>
  /** Called with the final result before structured output is parsed and before 'finish' is yielded. */
  onResult?(result: ChatResult): Promise<void>
}

/** A validated request, resolved against the registry, ready to run. */
export interface PreparedCall {
  requestId: string
  scope: Scope
  provider: ProviderAdapter
  model: string
  base: Omit<ProviderRequest, 'messages'>
  messages: Message[]
  tools: Map<string, Tool>
  maxSteps: number
  /** The request as validated, plugin fields included, for request hooks. */
  request: ChatRequest
  schema: z.ZodType | undefined
  signal: AbortSignal | undefined
  policy: CallPolicy
  /** When the request named a group ("@name"): the group, ordered by its strategy when the call runs. */
  group?: { name: string; group: ModelGroup }
  totalTimeoutMs: number | undefined
  metadata: Record<string, unknown>
}

/** Which provider, model and connection served a model call (after fallbacks). */
interface Served {
  provider: string
  model: string
  connectionId?: string
}

/** Validates and resolves a request; every mistake is reported here, before anything is sent. */
export function prepareCall(rt: Runtime, input: ChatRequest): PreparedCall {
  const req = validate(rt.requestSchema, input, 'chat request')
  const ref = req.model ?? rt.defaultModel
  if (!ref)
    throw new ConfigError('No model: pass `model: "provider:model"` or set `defaultModel` in createAI().')
  const group = ref.startsWith('@') ? groupOf(rt, ref.slice(1)) : undefined
  const { provider, model } = rt.registry.resolve(group ? memberRef(group.models[0]!) : ref)
  const tools = new Map<string, Tool>()
  addTools(
    tools,
    (input.tools ?? []).map((t) => (typeof t === 'string' ? rt.registry.tool(t) : (t as Tool))),
  )
  const choice = input.toolChoice
  // Request hooks may still add tools; the choice is checked once they have run.
  if (rt.requestHooks.length === 0) checkToolChoice(choice, tools)
  const base: Omit<ProviderRequest, 'messages'> = { model }
  if (tools.size > 0) base.tools = [...tools.values()].map(toToolSpec)
  if (choice !== undefined) base.toolChoice = choice
  if (req.schema) base.responseFormat = responseFormatFor(req.schema, req.schemaName)
  if (req.temperature !== undefined) base.temperature = req.temperature
  if (req.topP !== undefined) base.topP = req.topP
  if (req.maxOutputTokens !== undefined) base.maxOutputTokens = req.maxOutputTokens
  const stop = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (stop?.length) base.stop = stop
  if (req.seed !== undefined) base.seed = req.seed
  if (req.reasoning !== undefined) base.reasoning = req.reasoning
  if (req.providerOptions !== undefined) base.providerOptions = req.providerOptions
  const executable = [...tools.values()].some((t) => t.execute)
  for (const fallback of req.fallbacks ?? []) rt.registry.resolve(fallback)
  const retry =
    req.retry === false
      ? false
      : req.retry === undefined
        ? rt.retry
        : { ...(rt.retry || defaultRetry), ...req.retry }
  const policy: CallPolicy = { retry }
  const attemptMs = req.timeout?.attemptMs ?? rt.timeout.attemptMs
  if (attemptMs !== undefined) policy.attemptTimeoutMs = attemptMs
  if (req.fallbacks) policy.fallbacks = req.fallbacks
  if (req.cache === false) policy.cache = false
  return {
    requestId: req.requestId ?? rt.newId(),
    scope: req.scope ?? {},
    provider,
    model,
    base,
    messages: req.system ? [{ role: 'system', content: req.system }, ...req.messages] : req.messages,
    tools,
    maxSteps: req.maxSteps ?? (executable ? rt.maxSteps : 1),
    request: req as ChatRequest,
    schema: req.schema,
    signal: req.signal,
    policy,
    ...(group ? { group: { name: ref.slice(1), group } } : {}),
    totalTimeoutMs: req.timeout?.totalMs ?? rt.timeout.totalMs,
    metadata: req.metadata ?? {},
  }
}

const defaultRetry = retryPolicySchema.parse({})

function addTools(tools: Map<string, Tool>, added: readonly Tool[]) {
  for (const tool of added) {
    if (tools.has(tool.name))
      throw new ValidationError(`Invalid chat request: tools: '${tool.name}' is listed twice`)
    tools.set(tool.name, tool)
  }
}

function checkToolChoice(choice: ChatRequest['toolChoice'], tools: ReadonlyMap<string, Tool>) {
  if (choice !== undefined && choice !== 'none' && tools.size === 0) {
    throw new ValidationError('Invalid chat request: toolChoice: there are no tools to choose from')
  }
  if (typeof choice === 'object' && !tools.has(choice.name)) {
    throw new ValidationError(
      `Invalid chat request: toolChoice: '${choice.name}' is not among the request's tools`,
    )
  }
}

/** Runs the plugins' request hooks: their tools join the request's, their context follows its system prompt. */
async function applyRequestHooks(
  rt: Runtime,
  p: PreparedCall,
  messages: Message[],
  signal: AbortSignal,
  conversationId: string | undefined,
) {
  if (rt.requestHooks.length === 0) return
  const context: Message[] = []
  for (const hook of rt.requestHooks) {
    const added = await hook({
      requestId: p.requestId,
      scope: p.scope,
      signal,
      request: p.request,
      messages: [...messages],
      ...(conversationId ? { conversationId } : {}),
    })
    addTools(p.tools, (added?.tools ?? []) as Tool[])
    if (added?.system) context.push({ role: 'system', content: added.system })
  }
  checkToolChoice(p.request.toolChoice, p.tools)
  if (p.tools.size > 0) p.base.tools = [...p.tools.values()].map(toToolSpec)
  if (p.request.maxSteps === undefined && [...p.tools.values()].some((t) => t.execute))
    p.maxSteps = Math.max(p.maxSteps, rt.maxSteps)
  const firstNonSystem = messages.findIndex((m) => m.role !== 'system')
  messages.splice(firstNonSystem === -1 ? messages.length : firstNonSystem, 0, ...context)
}

function groupOf(rt: Runtime, name: string): ModelGroup {
  const group = rt.groups[name]
  if (!group) {
    const known =
      Object.keys(rt.groups)
        .map((g) => `@${g}`)
        .join(', ') || 'none'
    throw new ConfigError(`Unknown model group '@${name}'. Groups: ${known}.`)
  }
  return group
}

function memberRef(member: ModelGroup['models'][number]): string {
  return typeof member === 'string' ? member : member.model
}

/** Orders the request's group for this call: the first model is called, the rest are its fallbacks. */
async function route(rt: Runtime, p: PreparedCall, messages: Message[]) {
  if (!p.group) return { provider: p.provider, model: p.model, policy: p.policy }
  const needs = {
    tools: p.tools.size > 0,
    vision: messages.some(
      (m) => typeof m.content !== 'string' && m.content.some((part) => part.type === 'image'),
    ),
    json: p.base.responseFormat?.type === 'json',
    inputTokens: messages.reduce((sum, m) => sum + estimateTokens(m), 0),
    outputTokens: p.base.maxOutputTokens ?? 1024,
  }
  const order = await rt.router.order(p.group.name, p.group.group, needs)
  rt.events.emit('route', {
    requestId: p.requestId,
    group: p.group.name,
    strategy: p.group.group.strategy,
    order,
  })
  const { provider, model } = rt.registry.resolve(order[0]!)
  return { provider, model, policy: { ...p.policy, fallbacks: p.policy.fallbacks ?? order.slice(1) } }
}

/** Runs a generator to its end, discarding what it yields; resolves to what it returns. */
export async function drain<T>(run: AsyncGenerator<unknown, T>): Promise<T> {
  for (;;) {
    const next = await run.next()
    if (next.done) return next.value
  }
}

/**
 * Runs one request: model call, tools, model call... up to maxSteps. Yields stream parts as they
 * arrive and returns the aggregated result. `chat()` drains it; `stream()` hands it to the caller.
 * Leaving early (or the caller's signal) aborts the HTTP request in flight; whatever happens,
 * one usage record covers every step that was paid for.
 */
export async function* runChat(
  rt: Runtime,
  p: PreparedCall,
  mode: 'generate' | 'stream',
  hooks: RunHooks = {},
): AsyncGenerator<StreamPart, ChatResult> {
  const leave = rt.inFlight.enter()
  const started = performance.now()
  const controller = new AbortController()
  // Only a caller's signal, a total timeout or a stream left early abort a call; without them
  // adapters may leave the signal out of their SDK call (see sdkSignal).
  if (mode === 'generate' && !p.signal && p.totalTimeoutMs === undefined) markCannotAbort(controller.signal)
  const abort = () => controller.abort(p.signal?.reason)
  if (p.signal?.aborted) abort()
  p.signal?.addEventListener('abort', abort, { once: true })
  const deadline = p.totalTimeoutMs === undefined ? undefined : Date.now() + p.totalTimeoutMs
  const deadlineTimer =
    p.totalTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          const reason = `The request did not finish within its total timeout of ${p.totalTimeoutMs} ms.`
          controller.abort(new TimeoutError(reason, { requestId: p.requestId, retryable: false }))
        }, p.totalTimeoutMs)
  const messages = [...p.messages]
  const steps: StepResult[] = []
  let served: Served = { provider: p.provider.id, model: p.model }
  let firstPartAt: number | undefined
  let recorded = false
  let reservation: Reservation | undefined
  const record = (fields: { success: boolean; errorCode?: string }) => {
    if (recorded) return
    recorded = true
    rt.usage.add({
      ...usageRecord(p, mode, steps, served, { started, firstPartAt }, hooks.conversationId),
      ...fields,
    })
    const held = reservation
    const budgets = rt.budgets
    if (!held || !budgets) return undefined
    // Settled before the caller gets the result, so the next call sees the real spend; thresholds
    // are checked in the background. A failure is reported there, never thrown at the caller.
    const settling = budgets.settle(held, sumCost(steps).nanoUsd)
    rt.background.run('budget settlement', async () => {
      await settling
      await budgets.checkThresholds(held)
    })
    return settling.catch(() => {})
  }
  try {
    await applyRequestHooks(rt, p, messages, controller.signal, hooks.conversationId)
    const routed = await route(rt, p, messages)
    served = { provider: routed.provider.id, model: routed.model }
    const first = { ...p.base, model: routed.model, messages }
    reservation = await rt.budgets?.reserve(p.requestId, p.scope, first, routed.provider.id)
    for (let step = 1; ; step++) {
      const ctx: CallContext = {
        requestId: p.requestId,
        scope: p.scope,
        signal: controller.signal,
        attempt: 1,
        step,
        policy: routed.policy,
        metadata: p.metadata,
      }
      if (deadline !== undefined) ctx.deadline = deadline
      if (hooks.conversationId) ctx.conversationId = hooks.conversationId
      if (controller.signal.aborted) throw new AbortedError('The call was aborted before it was sent.')
      const stepStarted = performance.now()
      const pipeline = compose(rt.middleware, (call) => {
        served = { provider: call.provider.id, model: call.request.model }
        if (call.ctx.credentials?.connectionId) served.connectionId = call.ctx.credentials.connectionId
        rt.events.emit('request', {
          ...callInfo(call.ctx, served.provider, served.model),
          stream: mode === 'stream',
          attempt: call.ctx.attempt,
        })
        return send(call)
      })
      const response = await pipeline({
        provider: routed.provider,
        request: { ...p.base, model: routed.model, messages: [...messages] },
        ctx,
        mode,
      })
      const markFirstPart = () => {
        firstPartAt ??= performance.now()
      }
      const result =
        response.mode === 'stream'
          ? yield* relay(response.stream, markFirstPart)
          : mode === 'stream'
            ? yield* replay(response.result, markFirstPart)
            : response.result
      const cached = response.mode === 'generate' && response.cached === true
      const current = stepResult(rt, step, served, result, performance.now() - stepStarted, cached)
      steps.push(current)
      if (!cached) rt.router.observe(`${served.provider}:${served.model}`, current.latencyMs)
      const info = callInfo(ctx, served.provider, served.model)
      rt.events.emit('response', {
        ...info,
        finishReason: current.finishReason,
        usage: current.usage,
        latencyMs: current.latencyMs,
        stream: mode === 'stream',
      })
      rt.events.emit('cost', { ...info, usage: current.usage, cost: current.cost })
      const calls = current.toolCalls
      if (step < p.maxSteps && calls.length > 0 && calls.every((c) => runnable(p.tools, c))) {
        const runs = await runTools(calls, p.tools, {
          requestId: p.requestId,
          scope: p.scope,
          signal: ctx.signal,
        })
        for (const run of runs) {
          current.toolResults.push(run.result)
          rt.events.emit('tool:call', {
            requestId: p.requestId,
            toolName: run.result.toolName,
            toolCallId: run.result.toolCallId,
            durationMs: run.durationMs,
            ok: !run.result.isError,
          })
          yield { type: 'tool-result', toolResult: run.result }
        }
        const assistant: AssistantMessage = { role: 'assistant', content: current.content }
        const tool: ToolMessage = { role: 'tool', content: current.toolResults.map(toolResultPart) }
        messages.push(assistant, tool)
        await hooks.onToolStep?.(assistant, tool, current)
        yield { type: 'step-finish', step: current }
        continue
      }
      yield { type: 'step-finish', step: current }
      break
    }
    const last = steps[steps.length - 1]!
    const result: ChatResult = {
      text: last.text,
      reasoning: last.content.map((part) => (part.type === 'reasoning' ? part.text : '')).join(''),
      content: last.content,
      toolCalls: last.toolCalls,
      finishReason: last.finishReason,
      usage: sumUsage(steps),
      cost: sumCost(steps),
      provider: last.provider,
      model: last.model,
      requestId: p.requestId,
      latencyMs: performance.now() - started,
      steps,
      object: undefined,
      raw: last.raw,
    }
    await hooks.onResult?.(result)
    if (p.schema) result.object = parseStructuredOutput(p.schema, result.text)
    await record({ success: true })
    yield { type: 'finish', finishReason: result.finishReason, usage: result.usage, cost: result.cost }
    return result
  } catch (thrown) {
    // A total timeout wins over whatever the abort it caused looked like further in.
    const timedOut = controller.signal.aborted && TimeoutError.is(controller.signal.reason)
    const error = toAimuxError(timedOut ? controller.signal.reason : thrown, {
      signal: controller.signal,
      requestId: p.requestId,
      ...served,
    })
    record({ success: false, errorCode: error.code })
    rt.events.emit('error', {
      requestId: p.requestId,
      provider: served.provider,
      model: served.model,
      scope: p.scope,
      error,
    })
    throw error
  } finally {
    clearTimeout(deadlineTimer)
    p.signal?.removeEventListener('abort', abort)
    if (!recorded) {
      // The caller left before the end: stop the request and still account for what was paid.
      controller.abort(new AbortedError('The stream was closed before it finished.'))
      record({ success: false, errorCode: 'aborted' })
    }
    leave()
  }
}

/** The terminal of the middleware chain: one adapter call. A stream's first part is awaited here,
 * so that a refused connection or an error status rejects inside the middleware (where retries
 * and fallbacks can see it), not later in the caller's loop. */
async function send(call: ModelCall): Promise<ModelResponse> {
  if (call.mode === 'generate')
    return { mode: 'generate', result: await call.provider.generate(call.request, call.ctx) }
  const iterator = call.provider.stream(call.request, call.ctx)[Symbol.asyncIterator]()
  const first = await iterator.next()
  async function* rest(): AsyncGenerator<ProviderStreamPart> {
    try {
      if (first.done) return
      yield first.value
      for (;;) {
        const next = await iterator.next()
        if (next.done) return
        yield next.value
      }
    } finally {
      await iterator.return?.()
    }
  }
  return { mode: 'stream', stream: rest() }
}

/** Passes an adapter's stream to the caller as it arrives and assembles the step's result. */
async function* relay(
  stream: AsyncIterable<ProviderStreamPart>,
  onFirstPart: () => void,
): AsyncGenerator<StreamPart, ProviderResult> {
  const assembler = createStreamAssembler()
  try {
    for await (const part of stream) {
      assembler.add(part)
      if (part.type === 'usage' || part.type === 'finish') continue
      onFirstPart()
      // A reasoning signature stays in the step's content; the caller gets the text.
      yield part.type === 'reasoning-delta' ? { type: 'reasoning-delta', text: part.text } : part
    }
    if (!assembler.finishReason) {
      throw new StreamInterruptedError('The stream ended without finishing.', {
        retryable: !assembler.started,
      })
    }
  } catch (error) {
    throw interrupted(error, assembler.text, assembler.started)
  }
  return assembler.result()
}

/** The error a broken stream ends with: typed, holding the text that reached the caller. */
function interrupted(error: unknown, text: string, started: boolean): unknown {
  if (StreamInterruptedError.is(error)) {
    error.partialText ||= text
    return error
  }
  if (!started || (AimuxError.is(error) && error.code === 'aborted')) return error
  const reason = error instanceof Error ? error.message : String(error)
  const wrapped = new StreamInterruptedError(
    redactSecrets(`The stream broke after it had started: ${reason}`),
    {
      cause: error,
      retryable: false,
    },
  )
  wrapped.partialText = text
  return wrapped
}

/** A whole result (from a middleware such as a cache) played to a stream's caller as parts. */
async function* replay(
  result: ProviderResult,
  onFirstPart: () => void,
): AsyncGenerator<StreamPart, ProviderResult> {
  for (const part of result.content) {
    onFirstPart()
    if (part.type === 'text') yield { type: 'text-delta', text: part.text }
    else if (part.type === 'reasoning') yield { type: 'reasoning-delta', text: part.text }
    else yield { type: 'tool-call', toolCall: toolCallOf(part) }
  }
  return result
}

function stepResult(
  rt: Runtime,
  step: number,
  served: Served,
  result: ProviderResult,
  latencyMs: number,
  cached: boolean,
): StepResult {
  const usage = cached ? emptyUsage() : normalizeUsage(result.usage)
  const reported = result.costNanoUsd
  const cost = cached
    ? zeroCost('cache')
    : reported !== undefined && Number.isFinite(reported) && reported >= 0
      ? reportedCost(Math.round(reported))
      : computeCost(usage, rt.prices.resolve(served.provider, served.model))
  const current: StepResult = {
    step,
    provider: served.provider,
    model: served.model,
    content: result.content,
    text: textOfParts(result.content),
    toolCalls: result.content.flatMap((part) => (part.type === 'tool-call' ? [toolCallOf(part)] : [])),
    toolResults: [],
    finishReason: result.finishReason,
    usage,
    cost,
    latencyMs,
    raw: result.raw,
  }
  if (result.model !== undefined && result.model !== served.model) current.responseModel = result.model
  return current
}

function toolCallOf(part: Extract<AssistantPart, { type: 'tool-call' }>): ToolCall {
  const call: ToolCall = { id: part.id, name: part.name, args: part.args }
  if (part.providerMetadata) call.providerMetadata = part.providerMetadata
  return call
}

function runnable(tools: ReadonlyMap<string, Tool>, call: ToolCall): boolean {
  const tool = tools.get(call.name)
  // An unknown tool name goes back to the model as an error result; a known tool without
  // `execute` ends the loop so the caller can run it.
  return tool === undefined ? tools.size > 0 : tool.execute !== undefined
}

function sumUsage(steps: readonly StepResult[]): Usage {
  return steps.reduce((sum, s) => addUsage(sum, s.usage), emptyUsage())
}

function sumCost(steps: readonly StepResult[]): Cost {
  const [first, ...rest] = steps
  return first ? rest.reduce((sum, s) => addCost(sum, s.cost), first.cost) : zeroCost()
}

/** The usage record of a request, success or not; the caller adds success and errorCode. */
function usageRecord(
  p: PreparedCall,
  mode: 'generate' | 'stream',
  steps: readonly StepResult[],
  served: Served,
  timing: { started: number; firstPartAt: number | undefined },
  conversationId: string | undefined,
): Omit<UsageRecord, 'success'> {
  const cost = sumCost(steps)
  const record: Omit<UsageRecord, 'success'> = {
    ...sumUsage(steps),
    ...p.scope,
    requestId: p.requestId,
    createdAt: new Date(),
    provider: served.provider,
    model: served.model,
    costNanoUsd: cost.nanoUsd,
    costSource: cost.source,
    latencyMs: performance.now() - timing.started,
    stream: mode === 'stream',
    steps: steps.length,
  }
  if (served.connectionId !== undefined) record.connectionId = served.connectionId
  if (conversationId !== undefined) record.conversationId = conversationId
  if (timing.firstPartAt !== undefined) record.timeToFirstTokenMs = timing.firstPartAt - timing.started
  return record
}
