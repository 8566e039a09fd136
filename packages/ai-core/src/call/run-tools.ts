import type { z } from 'zod'
import { AbortedError, AimuxError, ValidationError } from '../errors/errors.js'
import { formatPath } from '../errors/validate.js'
import type { ToolResultPart } from '../spec/message.js'
import type { ToolResult } from '../spec/result.js'
import type { Scope } from '../spec/scope.js'
import { isZodSchema, type Tool, type ToolCall } from '../spec/tool.js'
import type { AroundRequest } from './around-request.js'

export interface ToolRun {
  result: ToolResult
  durationMs: number
}

/**
 * Runs the tool calls of one step in parallel. Whatever goes wrong (an unknown tool, arguments
 * that fail the tool's schema, a tool that throws) goes back to the model as an error result,
 * so it can correct itself; only an abort stops the loop. A ValidationError a tool throws (its
 * own check of its arguments) goes back with its message alone. A plugin's `around.tool` runs
 * each call.
 */
export async function runTools(
  calls: readonly ToolCall[],
  tools: ReadonlyMap<string, Tool>,
  context: { requestId: string; scope: Scope; signal: AbortSignal },
  around?: AroundRequest,
): Promise<ToolRun[]> {
  const { signal } = context
  const wrap = around?.tool
  const runs = Promise.all(
    calls.map(async (call): Promise<ToolRun> => {
      const started = performance.now()
      const run = () => runTool(call, tools, context)
      const result = await (wrap ? wrap(call, run) : run())
      return { result, durationMs: performance.now() - started }
    }),
  )
  // An abort ends the call at once; tools see the same signal and should stop their own work.
  return new Promise((resolve, reject) => {
    const onAbort = () =>
      reject(new AbortedError('The call was aborted while its tools ran.', { cause: signal.reason }))
    if (signal.aborted) {
      // The tools' own failure no longer matters, but must not go unhandled.
      runs.catch(() => {})
      return onAbort()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    runs.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** One tool call: its arguments checked, its `execute` run; whatever fails is an error result. */
async function runTool(
  call: ToolCall,
  tools: ReadonlyMap<string, Tool>,
  context: { requestId: string; scope: Scope; signal: AbortSignal },
): Promise<ToolResult> {
  const finish = (value: unknown, isError: boolean): ToolResult => ({
    toolCallId: call.id,
    toolName: call.name,
    result: value,
    isError,
  })
  const tool = tools.get(call.name)
  if (!tool?.execute) return finish(`Unknown tool '${call.name}'.`, true)
  let args = call.args
  if (isZodSchema(tool.parameters)) {
    const parsed = (tool.parameters as z.ZodType).safeParse(call.args)
    if (!parsed.success) {
      const list = parsed.error.issues.map((i) => `${formatPath([...i.path])}: ${i.message}`).join('; ')
      return finish(`Invalid arguments for tool '${call.name}': ${list}`, true)
    }
    args = parsed.data
  }
  try {
    const value = await tool.execute(args, { ...context, toolCallId: call.id })
    return finish(value ?? null, false)
  } catch (error) {
    if (context.signal.aborted) throw error
    // A tool that checks its own arguments says so the way the core's check does.
    if (ValidationError.is(error)) return finish(error.message, true)
    const message = AimuxError.is(error) || error instanceof Error ? error.message : String(error)
    return finish(`Tool '${call.name}' failed: ${message}`, true)
  }
}

export function toolResultPart(result: ToolResult): ToolResultPart {
  return {
    type: 'tool-result',
    toolCallId: result.toolCallId,
    toolName: result.toolName,
    result: result.result,
    ...(result.isError ? { isError: true } : {}),
  }
}

/**
 * Whether the loop can run a tool call itself. An unknown tool name goes back to the model as an
 * error result; a known tool without `execute` ends the loop so the caller can run it.
 */
export function runnable(tools: ReadonlyMap<string, Tool>, call: ToolCall): boolean {
  const tool = tools.get(call.name)
  return tool === undefined ? tools.size > 0 : tool.execute !== undefined
}
