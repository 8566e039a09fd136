import type { JsonSchema } from '@aimux/ai-core'
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js'
import { checkArguments } from './argument-validator.js'
import type { McpConnection, RequestSettings } from './mcp-connection.js'
import { toolName } from './tool-name.js'
import { toolErrorText } from './tool-result-content.js'

/** Emitted as `mcp:tool-call` once per call, whether it was sent or refused before. */
export interface McpToolCallEvent {
  /** The aimux request the call belongs to, when the model made it. */
  requestId?: string
  toolCallId?: string
  server: string
  /** The tool's name on its server. */
  tool: string
  /** The name the model sees: `<server>_<tool>`. */
  toolName: string
  durationMs: number
  ok: boolean
  /** Why it failed: the tool's own error text, a timeout, invalid arguments, a lost connection. */
  error?: string
}

export interface CallSettings extends RequestSettings {
  requestId?: string
  toolCallId?: string
}

/**
 * Calls one tool: the arguments are checked against its input schema first (nothing is sent when
 * they fail), the call has the server's timeout (or `settings.timeoutMs`), and one event reports it.
 * Resolves to the server's result, `isError` included; rejects with a typed error.
 */
export async function callMcpTool(
  connection: McpConnection,
  tool: McpTool,
  args: unknown,
  settings: CallSettings,
  onCall: (event: McpToolCallEvent) => void,
): Promise<CallToolResult> {
  const started = performance.now()
  const name = toolName(connection.name, tool.name)
  const report = (error?: string) =>
    onCall({
      ...(settings.requestId ? { requestId: settings.requestId } : {}),
      ...(settings.toolCallId ? { toolCallId: settings.toolCallId } : {}),
      server: connection.name,
      tool: tool.name,
      toolName: name,
      durationMs: performance.now() - started,
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
    })
  try {
    const params = { name: tool.name, arguments: (args ?? {}) as Record<string, unknown> }
    checkArguments(name, tool.inputSchema as JsonSchema, params.arguments)
    const result = (await connection.request(
      `calling tool '${tool.name}'`,
      (client, options) => client.callTool(params, undefined, options),
      settings,
    )) as CallToolResult
    report(result.isError ? connection.redact(toolErrorText(result)) : undefined)
    return result
  } catch (error) {
    report(error instanceof Error ? error.message : String(error))
    throw error
  }
}
