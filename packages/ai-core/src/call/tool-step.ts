import type { AssistantMessage, ToolMessage } from '../spec/message.js'
import type { StepResult, StreamPart } from '../spec/result.js'
import type { AroundRequest } from './around-request.js'
import type { PreparedCall } from './prepare-call.js'
import { runnable, runTools, toolResultPart } from './run-tools.js'
import type { Runtime } from './runtime.js'

/** Whether the tool loop goes on after `step`: steps are left and the loop can run every call. */
export function wantsTools(p: PreparedCall, step: StepResult): boolean {
  const calls = step.toolCalls
  return step.step < p.maxSteps && calls.length > 0 && calls.every((c) => runnable(p.tools, c))
}

/**
 * Runs a step's tool calls, emitting 'tool:call' and yielding each result as it is added to the
 * step; returns the two messages the next model call adds to the history.
 */
export async function* runToolStep(
  rt: Runtime,
  p: PreparedCall,
  step: StepResult,
  signal: AbortSignal,
  around?: AroundRequest,
): AsyncGenerator<StreamPart, [AssistantMessage, ToolMessage]> {
  const context = { requestId: p.requestId, scope: p.scope, signal }
  const runs = await runTools(step.toolCalls, p.tools, context, around)
  for (const run of runs) {
    step.toolResults.push(run.result)
    rt.events.emit('tool:call', {
      requestId: p.requestId,
      toolName: run.result.toolName,
      toolCallId: run.result.toolCallId,
      durationMs: run.durationMs,
      ok: !run.result.isError,
    })
    yield { type: 'tool-result', toolResult: run.result }
  }
  return [
    { role: 'assistant', content: step.content },
    { role: 'tool', content: step.toolResults.map(toolResultPart) },
  ]
}
