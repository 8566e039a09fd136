import type { ToolCall, ToolResult } from '@aimux/ai-core'
import { type Context, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { errorAttributes, errorMessage, GEN_AI } from './attributes.js'
import { json } from './content.js'
import type { TraceSettings } from './trace-settings.js'

/**
 * Runs one tool call inside an `execute_tool <name>` span, a child of the request's span, and
 * active while the tool runs: spans the tool makes (an MCP client's, the application's own)
 * nest under it.
 */
export async function traceTool(
  settings: TraceSettings,
  parent: Context,
  call: ToolCall,
  run: () => Promise<ToolResult>,
): Promise<ToolResult> {
  const { tracer, captureContent } = settings
  const span = tracer.startSpan(
    `execute_tool ${call.name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        [GEN_AI.operationName]: 'execute_tool',
        [GEN_AI.toolName]: call.name,
        [GEN_AI.toolCallId]: call.id,
        [GEN_AI.toolType]: 'function',
        ...(captureContent ? { [GEN_AI.toolArguments]: json(call.args) } : {}),
      },
    },
    parent,
  )
  try {
    const result = await context.with(trace.setSpan(parent, span), run)
    if (captureContent) span.setAttribute(GEN_AI.toolResult, json(result.result))
    if (result.isError) {
      // The error result goes back to the model; its text may quote the arguments, so it is
      // content, on the span only when content is captured.
      span.setAttribute(GEN_AI.errorType, 'tool_error')
      span.setStatus(
        captureContent
          ? { code: SpanStatusCode.ERROR, message: json(result.result) }
          : { code: SpanStatusCode.ERROR },
      )
    }
    return result
  } catch (error) {
    span.setAttributes(errorAttributes(error))
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) })
    throw error
  } finally {
    span.end()
  }
}
