import { AbortedError, toAimuxError } from '../errors/errors.js'
import type { AssistantMessage, ToolMessage } from '../spec/message.js'
import type { ChatResult, StepResult, StreamPart } from '../spec/result.js'
import { createAccounting } from './accounting.js'
import { type AroundRequest, combineAround, endAround, type RequestOutcome } from './around-request.js'
import { createCallAbort } from './call-abort.js'
import { withObjectDeltas } from './partial-object.js'
import type { PreparedCall } from './prepare-call.js'
import { applyRequestHooks } from './request-hook.js'
import { routeCall } from './route-call.js'
import { runStep } from './run-step.js'
import type { Runtime } from './runtime.js'
import { chatResult } from './step-result.js'
import { parseStructuredOutput } from './structured-output.js'
import { runToolStep, wantsTools } from './tool-step.js'

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
 * arrive (with `schema`, a stream's partial objects too) and returns the aggregated result.
 * `chat()` drains it; `stream()` hands it to the caller. Leaving early (or the caller's signal)
 * aborts the HTTP request in flight; whatever happens, one usage record covers every step that
 * was paid for.
 */
export async function* runChat(
  rt: Runtime,
  p: PreparedCall,
  mode: 'generate' | 'stream',
  hooks: RunHooks = {},
): AsyncGenerator<StreamPart, ChatResult> {
  const leave = rt.inFlight.enter()
  const { conversationId } = hooks
  const account = createAccounting(rt, p, mode, conversationId)
  const call = createCallAbort({
    requestId: p.requestId,
    mode,
    signal: p.signal,
    totalTimeoutMs: p.totalTimeoutMs,
  })
  const messages = [...p.messages]
  // What plugins' request hooks returned as `around`: told once how the request ended.
  const held: AroundRequest[] = []
  let ended = false
  const end = (outcome: RequestOutcome) => {
    if (ended || held.length === 0) return
    ended = true
    endAround(held, outcome, rt.events)
  }
  try {
    await applyRequestHooks(rt, p, messages, call.signal, conversationId, held, account.count)
    const around = combineAround(held)
    const route = await routeCall(rt, p, messages)
    account.serve({ provider: route.provider.id, model: route.model })
    await account.reserve({ ...p.base, model: route.model, messages }, route.provider.id)
    for (let step = 1; ; step++) {
      const parts = runStep(rt, p, { step, mode, route, messages, call, conversationId, around }, account)
      const current = yield* p.schema && mode === 'stream' ? withObjectDeltas(parts) : parts
      account.add(current)
      if (!wantsTools(p, current)) {
        yield { type: 'step-finish', step: current }
        break
      }
      const [assistant, tool] = yield* runToolStep(rt, p, current, call.signal, around)
      messages.push(assistant, tool)
      await hooks.onToolStep?.(assistant, tool, current)
      yield { type: 'step-finish', step: current }
    }
    const result = chatResult(p.requestId, [...account.steps], performance.now() - account.started)
    await hooks.onResult?.(result)
    if (p.schema) result.object = parseStructuredOutput(p.schema, result.text)
    await account.record({ success: true })
    end({ result })
    yield { type: 'finish', finishReason: result.finishReason, usage: result.usage, cost: result.cost }
    return result
  } catch (thrown) {
    // A total timeout wins over whatever the abort it caused looked like further in.
    const reason = call.timedOut() ? call.signal.reason : thrown
    const error = toAimuxError(reason, { signal: call.signal, requestId: p.requestId, ...account.served })
    void account.record({ success: false, errorCode: error.code })
    const { provider, model } = account.served
    rt.events.emit('error', { requestId: p.requestId, provider, model, scope: p.scope, error })
    end({ error })
    throw error
  } finally {
    call.release()
    if (!account.recorded) {
      // The caller left before the end: stop the request and still account for what was paid.
      const left = new AbortedError('The stream was closed before it finished.')
      call.abort(left)
      void account.record({ success: false, errorCode: 'aborted' })
      end({ error: left })
    }
    leave()
  }
}
