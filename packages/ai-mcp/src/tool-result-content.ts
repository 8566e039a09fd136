import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { contentText } from './content-text.js'

/**
 * What the model reads back from an MCP tool: its content blocks as text, one per line (see
 * `contentText()` for images, audio and resources); a tool that sent only `structuredContent` gives
 * that object. A result with `isError` is not mapped here: the tool throws with `toolErrorText()`.
 */
export function toolResultContent(result: CallToolResult): unknown {
  const content = result.content ?? []
  if (content.length === 0 && result.structuredContent !== undefined) return result.structuredContent
  return content.map(contentText).join('\n')
}

/** The message of a result that reports `isError`. */
export function toolErrorText(result: CallToolResult): string {
  return (result.content ?? []).map(contentText).join('\n') || 'the tool reported an error without a message'
}
