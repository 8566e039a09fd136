import { type JsonSchema, type Tool, ToolError } from '@aimux/ai-core'
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js'
import { callMcpTool, type McpToolCallEvent } from './call-tool.js'
import type { McpConnection } from './mcp-connection.js'
import { toolErrorText } from './tool-result-content.js'

/** Turns a tool result into what the model reads; `toolResultContent()` is the default. */
export type MapToolResult = (result: CallToolResult, tool: { server: string; tool: string }) => unknown

export interface AimuxToolDeps {
  mapResult: MapToolResult
  onCall: (event: McpToolCallEvent) => void
}

/**
 * An MCP tool as an aimux tool named `name`, its JSON schema passed to providers as it is (without
 * the `$schema` annotation). A result with `isError` throws, so the model gets it as an error
 * result; so do invalid arguments, a timeout and a server that went away.
 */
export function toAimuxTool(
  name: string,
  connection: McpConnection,
  tool: McpTool,
  deps: AimuxToolDeps,
): Tool<unknown, unknown> {
  const { $schema: _annotation, ...parameters } = tool.inputSchema as JsonSchema
  const description = tool.description ?? tool.title ?? tool.annotations?.title
  return {
    name,
    ...(description ? { description } : {}),
    parameters,
    async execute(args, ctx) {
      const settings = { signal: ctx.signal, requestId: ctx.requestId, toolCallId: ctx.toolCallId }
      const result = await callMcpTool(connection, tool, args, settings, deps.onCall)
      if (result.isError) throw new ToolError(connection.redact(toolErrorText(result)))
      return deps.mapResult(result, { server: connection.name, tool: tool.name })
    },
  }
}
