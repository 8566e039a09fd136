import type { ToolResultPart } from '@aimux/ai-core'

/** A tool result as the text the model reads: strings as they are, anything else as JSON; errors as `{ "error": ... }`. */
export function toolResultOutput(part: ToolResultPart): string {
  const result = part.isError ? { error: part.result } : part.result
  return typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null')
}
