import { ConfigError } from '@aimux/ai-core'

/** The longest tool name the providers accept. */
export const MAX_TOOL_NAME = 64

/** One MCP tool offered to the model. */
export interface ToolRef {
  server: string
  tool: string
}

/**
 * The aimux name of an MCP tool: `<server>_<tool>`, with every character providers refuse (anything
 * but letters, digits, underscores and dashes) replaced by an underscore.
 */
export function toolName(server: string, tool: string): string {
  return `${server}_${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_')
}

/**
 * Names the given tools, refusing with a ConfigError a name longer than providers accept and two
 * tools that end up with the same name.
 */
export function nameTools<T extends ToolRef>(refs: readonly T[]): Map<string, T> {
  const named = new Map<string, T>()
  for (const ref of refs) {
    const name = toolName(ref.server, ref.tool)
    if (name.length > MAX_TOOL_NAME) {
      throw new ConfigError(
        `MCP tool '${ref.tool}' of server '${ref.server}' would be named '${name}', longer than the ${MAX_TOOL_NAME} characters providers accept: leave it out with a tool allowlist, or give the server a shorter name.`,
      )
    }
    const taken = named.get(name)
    if (taken) {
      throw new ConfigError(
        `MCP tools '${taken.tool}' of server '${taken.server}' and '${ref.tool}' of server '${ref.server}' would both be named '${name}': leave one out with a tool allowlist, or rename a server.`,
      )
    }
    named.set(name, ref)
  }
  return named
}
