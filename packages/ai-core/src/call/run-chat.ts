import { AbortedError, toAimuxError } from '../errors/errors.js'
import { callInfo } from '../events/events.js'
import type { Reservation } from '../middleware/budget-guard.js'
import { compose } from '../middleware/middleware.js'
import type { CallContext } from '../spec/call-context.js'
import type { AssistantMessage, ToolMessage } from '../spec/message.js'
import type { ChatResult, StepResult, StreamPart } from '../spec/result.js'
import { createCallAbort } from './call-abort.js'
import { callAdapter } from './call-adapter.js'
import type { PreparedCall } from './prepare-call.js'
import { relayStream, replayResult } from './relay-parts.js'
import { applyRequestHooks } from './request-hook.js'
import { routeCall } from './route-call.js'
import { runnable, runTools, toolResultPart } from './run-tools.js'
import type { Runtime } from './runtime.js'
import { chatResult, type Served, stepResult, sumCost } from './step-result.js'
import { parseStructuredOutput } from './structured-output.js'
import { usageRecord } from './usage-record.js'

/** Hooks a conversation uses to persist each step as it happens, before the caller sees it end. */
export interface RunHooks {
  conversationId?: string
  onToolStep?(assistant: AssistantMessage, tool: ToolMessage, step: StepResult): Promise<void>
  /** Called with the final result before structured output is parsed and before 'finish' is yielded. */
  onResult?(result: ChatResult): Promise<void>
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
  const call = createCallAbort({
    requestId: p.requestId,
    mode,
    signal: p.signal,
    totalTimeoutMs: p.totalTimeoutMs,
  })
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
  const markFirstPart = () => {
    firstPartAt ??= performance.now()
  }
  try {
    await applyRequestHooks(rt, p, messages, call.signal, hooks.conversationId)
    const routed = await routeCall(rt, p, messages)
    served = { provider: routed.provider.id, model: routed.model }
    const first = { ...p.base, model: routed.model, messages }
    reservation = await rt.budgets?.reserve(p.requestId, p.scope, first, routed.provider.id)
    for (let step = 1; ; step++) {
      const ctx: CallContext = {
        requestId: p.requestId,
        scope: p.scope,
        signal: call.signal,
        attempt: 1,
        step,
        policy: routed.policy,
        metadata: p.metadata,
      }
      if (call.deadline !== undefined) ctx.deadline = call.deadline
      if (hooks.conversationId) ctx.conversationId = hooks.conversationId
      if (call.signal.aborted) throw new AbortedError('The call was aborted before it was sent.')
      const stepStarted = performance.now()
      const pipeline = compose(rt.middleware, (modelCall) => {
        served = { provider: modelCall.provider.id, model: modelCall.request.model }
        const connectionId = modelCall.ctx.credentials?.connectionId
        if (connectionId) served.connectionId = connectionId
        rt.events.emit('request', {
          ...callInfo(modelCall.ctx, served.provider, served.model),
          stream: mode === 'stream',
          attempt: modelCall.ctx.attempt,
        })
        return callAdapter(modelCall)
      })
      const response = await pipeline({
        provider: routed.provider,
        request: { ...p.base, model: routed.model, messages: [...messages] },
        ctx,
        mode,
      })
      const result =
        response.mode === 'stream'
          ? yield* relayStream(response.stream, markFirstPart)
          : mode === 'stream'
            ? yield* replayResult(response.result, markFirstPart)
            : response.result
      const cached = response.mode === 'generate' && response.cached === true
      const latencyMs = performance.now() - stepStarted
      const current = stepResult(rt.prices, step, served, result, latencyMs, cached)
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
    const result = chatResult(p.requestId, steps, performance.now() - started)
    await hooks.onResult?.(result)
    if (p.schema) result.object = parseStructuredOutput(p.schema, result.text)
    await record({ success: true })
    yield { type: 'finish', finishReason: result.finishReason, usage: result.usage, cost: result.cost }
    return result
  } catch (thrown) {
    // A total timeout wins over whatever the abort it caused looked like further in.
    const error = toAimuxError(call.timedOut() ? call.signal.reason : thrown, {
      signal: call.signal,
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
    call.release()
    if (!recorded) {
      // The caller left before the end: stop the request and still account for what was paid.
      call.abort(new AbortedError('The stream was closed before it finished.'))
      record({ success: false, errorCode: 'aborted' })
    }
    leave()
  }
}
