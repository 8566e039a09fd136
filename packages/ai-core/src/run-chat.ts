import type { z } from 'zod'
import type { BackgroundWork } from './background-work.js'
import type { CallContext } from './call-context.js'
import { addCost, type Cost, computeCost, reportedCost, zeroCost } from './cost.js'
import { AbortedError, AimuxError, ConfigError, ProviderError, StreamInterruptedError } from './errors.js'
import type { EventBus } from './event-bus.js'
import { callInfo } from './events.js'
import type { AssistantMessage, AssistantPart, Message, ToolMessage } from './message.js'
import { compose, type Middleware, type ModelCall, type ModelResponse } from './middleware.js'
import type { PriceCatalog } from './price-catalog.js'
import type {
  FinishReason,
  ProviderAdapter,
  ProviderRequest,
  ProviderResult,
  ProviderStreamPart,
} from './provider.js'
import type { Registry } from './registry.js'
import { type ChatRequest, chatRequestSchema } from './request.js'
import type { ChatResult, StepResult, StreamPart } from './result.js'
import { runTools, toolResultPart } from './run-tools.js'
import type { Scope } from './scope.js'
import type { UsageRecord } from './store.js'
import { parseStructuredOutput, responseFormatFor } from './structured-output.js'
import { type Tool, type ToolCall, toToolSpec } from './tool.js'
import { addUsage, emptyUsage, normalizeUsage, type Usage } from './usage.js'
import type { UsageSink } from './usage-sink.js'
import { validate } from './validate.js'

/** What a call needs from its instance. */
export interface Runtime {
  registry: Registry
  middleware: readonly Middleware[]
  prices: PriceCatalog
  events: EventBus
  work: BackgroundWork
  usage: UsageSink
  defaultModel: string | undefined
  maxSteps: number
  newId(): string
}

/** Hooks a conversation uses to persist each step as it happens. */
export interface RunHooks {
  conversationId?: string
  onToolStep?(assistant: AssistantMessage, tool: ToolMessage, step: StepResult): Promise<void>
}

/** Which provider, model and connection actually served the call (after fallbacks). */
interface Served {
  provider: string
  model: string
  connectionId?: string
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
  schema: z.ZodType | undefined
  signal: AbortSignal | undefined
  metadata: Record<string, unknown>
}

/** Validates and resolves a request; every mistake is reported here, before anything is sent. */
export function prepareCall(rt: Runtime, input: ChatRequest): PreparedCall {
  const req = validate(chatRequestSchema, input, 'chat request')
  const ref = req.model ?? rt.defaultModel
  if (!ref)
    throw new ConfigError('No model: pass `model: "provider:model"` or set `defaultModel` in createAI().')
  const { provider, model } = rt.registry.resolve(ref)
  const tools = new Map<string, Tool>()
  for (const entry of input.tools ?? []) {
    const tool = typeof entry === 'string' ? rt.registry.tool(entry) : (entry as Tool)
    tools.set(tool.name, tool)
  }
  const base: Omit<ProviderRequest, 'messages'> = { model }
  if (tools.size > 0) base.tools = [...tools.values()].map(toToolSpec)
  if (input.toolChoice !== undefined) base.toolChoice = input.toolChoice
  if (req.schema) base.responseFormat = responseFormatFor(req.schema, req.schemaName)
  if (req.temperature !== undefined) base.temperature = req.temperature
  if (req.topP !== undefined) base.topP = req.topP
  if (req.maxOutputTokens !== undefined) base.maxOutputTokens = req.maxOutputTokens
  if (req.stop !== undefined) base.stop = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (req.seed !== undefined) base.seed = req.seed
  if (req.reasoning !== undefined) base.reasoning = req.reasoning
  if (req.providerOptions !== undefined) base.providerOptions = req.providerOptions
  const executable = [...tools.values()].some((t) => t.execute)
  return {
    requestId: req.requestId ?? rt.newId(),
    scope: req.scope ?? {},
    provider,
    model,
    base,
    messages: req.system ? [{ role: 'system', content: req.system }, ...req.messages] : req.messages,
    tools,
    maxSteps: req.maxSteps ?? (executable ? rt.maxSteps : 1),
    schema: req.schema,
    signal: req.signal,
    metadata: req.metadata ?? {},
  }
}

/** Makes any thrown value a typed error carrying the request id. */
export function toAimuxError(error: unknown, signal: AbortSignal, requestId: string): AimuxError {
  let typed: AimuxError
  if (AimuxError.is(error)) typed = error
  else if (signal.aborted)
    typed = new AbortedError('The call was aborted.', { cause: signal.reason ?? error })
  else typed = new ProviderError(error instanceof Error ? error.message : String(error), { cause: error })
  typed.requestId ??= requestId
  return typed
}

/**
 * Runs one request: model call, tools, model call... up to maxSteps. Yields stream parts as they
 * arrive and returns the aggregated result. `chat()` drains it; `stream()` hands it to the caller.
 * Leaving the loop early (or the caller's signal) aborts the HTTP request in flight.
 */
export async function* runChat(
  rt: Runtime,
  p: PreparedCall,
  mode: 'generate' | 'stream',
  hooks: RunHooks = {},
): AsyncGenerator<StreamPart, ChatResult> {
  const started = performance.now()
  const controller = new AbortController()
  const abort = () => controller.abort(p.signal?.reason)
  if (p.signal?.aborted) abort()
  p.signal?.addEventListener('abort', abort, { once: true })
  const messages = [...p.messages]
  const steps: StepResult[] = []
  let served: Served = { provider: p.provider.id, model: p.model }
  let firstPartAt: number | undefined
  let done = false
  try {
    for (let step = 1; ; step++) {
      const ctx: CallContext = {
        requestId: p.requestId,
        scope: p.scope,
        signal: controller.signal,
        attempt: 1,
        step,
        metadata: p.metadata,
      }
      if (hooks.conversationId) ctx.conversationId = hooks.conversationId
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
      if (controller.signal.aborted) throw new AbortedError('The call was aborted before it was sent.')
      const response = await pipeline({ provider: p.provider, request: { ...p.base, messages }, ctx, mode })
      let result: ProviderResult
      if (response.mode === 'generate') result = response.result
      else {
        result = yield* relay(response.stream, () => {
          firstPartAt ??= performance.now()
        })
      }
      const usage = normalizeUsage(result.usage)
      const cost =
        result.costNanoUsd !== undefined
          ? reportedCost(result.costNanoUsd)
          : computeCost(usage, rt.prices.resolve(served.provider, served.model))
      const latencyMs = performance.now() - stepStarted
      const info = callInfo(ctx, served.provider, served.model)
      rt.events.emit('response', {
        ...info,
        finishReason: result.finishReason,
        usage,
        latencyMs,
        stream: mode === 'stream',
      })
      rt.events.emit('cost', { ...info, usage, cost })
      const toolCalls = toolCallsOf(result.content)
      const current: StepResult = {
        step,
        provider: served.provider,
        model: served.model,
        content: result.content,
        text: textOf(result.content),
        toolCalls,
        toolResults: [],
        finishReason: result.finishReason,
        usage,
        cost,
        latencyMs,
        raw: result.raw,
      }
      steps.push(current)
      if (step < p.maxSteps && toolCalls.length > 0 && toolCalls.every((c) => runnable(p.tools, c))) {
        const runs = await runTools(toolCalls, p.tools, {
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
        const assistant: AssistantMessage = { role: 'assistant', content: result.content }
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
    const usage = sumUsage(steps)
    const cost = sumCost(steps)
    const result: ChatResult = {
      text: last.text,
      reasoning: last.content.map((part) => (part.type === 'reasoning' ? part.text : '')).join(''),
      content: last.content,
      toolCalls: last.toolCalls,
      finishReason: last.finishReason,
      usage,
      cost,
      provider: last.provider,
      model: last.model,
      requestId: p.requestId,
      latencyMs: performance.now() - started,
      steps,
      object: undefined,
      raw: last.raw,
    }
    rt.usage.add({
      ...usageRecord(p, mode, steps, served, { started, firstPartAt }, hooks.conversationId),
      success: true,
    })
    if (p.schema) result.object = parseStructuredOutput(p.schema, result.text)
    yield { type: 'finish', finishReason: result.finishReason, usage, cost }
    done = true
    return result
  } catch (thrown) {
    const error = toAimuxError(thrown, controller.signal, p.requestId)
    if (!AimuxError.is(thrown) || thrown.code !== 'structured-output') {
      rt.events.emit('error', {
        requestId: p.requestId,
        provider: served.provider,
        model: served.model,
        scope: p.scope,
        error,
      })
      rt.usage.add({
        ...usageRecord(p, mode, steps, served, { started, firstPartAt }, hooks.conversationId),
        success: false,
        errorCode: error.code,
      })
    }
    done = true
    throw error
  } finally {
    p.signal?.removeEventListener('abort', abort)
    if (!done) controller.abort(new AbortedError('The stream was closed before it finished.'))
  }
}

function send(call: ModelCall): Promise<ModelResponse> {
  if (call.mode === 'generate') {
    return call.provider.generate(call.request, call.ctx).then((result) => ({ mode: 'generate', result }))
  }
  return Promise.resolve({ mode: 'stream', stream: call.provider.stream(call.request, call.ctx) })
}

/** Passes an adapter's stream through to the caller as it arrives and assembles the step's result. */
async function* relay(
  stream: AsyncIterable<ProviderStreamPart>,
  onFirstPart: () => void,
): AsyncGenerator<StreamPart, ProviderResult> {
  let text = ''
  let reasoning = ''
  const calls: ToolCall[] = []
  let usage: Usage = emptyUsage()
  let costNanoUsd: number | undefined
  let finishReason: FinishReason = 'other'
  let model: string | undefined
  let raw: unknown
  try {
    for await (const part of stream) {
      switch (part.type) {
        case 'text-delta':
          onFirstPart()
          text += part.text
          yield part
          break
        case 'reasoning-delta':
          onFirstPart()
          reasoning += part.text
          yield part
          break
        case 'tool-call':
          onFirstPart()
          calls.push(part.toolCall)
          yield part
          break
        case 'usage':
          usage = part.usage
          costNanoUsd = part.costNanoUsd
          break
        case 'finish':
          finishReason = part.finishReason
          model = part.model
          raw = part.raw
          break
      }
    }
  } catch (error) {
    if (
      text === '' ||
      StreamInterruptedError.is(error) ||
      (AimuxError.is(error) && error.code === 'aborted')
    ) {
      if (StreamInterruptedError.is(error) && !error.partialText) error.partialText = text
      throw error
    }
    const interrupted = new StreamInterruptedError(
      `The stream broke after ${text.length} characters: ${(error as Error).message ?? String(error)}`,
      { cause: error, retryable: false },
    )
    interrupted.partialText = text
    throw interrupted
  }
  const content: AssistantPart[] = []
  if (reasoning) content.push({ type: 'reasoning', text: reasoning })
  if (text) content.push({ type: 'text', text })
  for (const call of calls) content.push({ type: 'tool-call', id: call.id, name: call.name, args: call.args })
  const result: ProviderResult = { content, finishReason, usage }
  if (costNanoUsd !== undefined) result.costNanoUsd = costNanoUsd
  if (model !== undefined) result.model = model
  if (raw !== undefined) result.raw = raw
  return result
}

function runnable(tools: ReadonlyMap<string, Tool>, call: ToolCall): boolean {
  const tool = tools.get(call.name)
  // An unknown tool name goes back to the model as an error result; a known tool without
  // `execute` ends the loop so the caller can run it.
  return tool === undefined ? tools.size > 0 : tool.execute !== undefined
}

function toolCallsOf(content: AssistantPart[]): ToolCall[] {
  return content.flatMap((part) =>
    part.type === 'tool-call'
      ? [
          {
            id: part.id,
            name: part.name,
            args: part.args,
            ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
          },
        ]
      : [],
  )
}

function textOf(content: AssistantPart[]): string {
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('')
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
