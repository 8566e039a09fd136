import type { ToolCall } from '@aimux/ai-core'
import { parseToolArguments } from '@aimux/ai-core/provider-kit'

/** One streamed piece of a tool call, as Chat Completions sends it in `delta.tool_calls`. */
export interface ToolCallFragment {
  index: number
  id?: string
  function?: { name?: string; arguments?: string }
}

export interface ToolCallAssembler {
  add(fragment: ToolCallFragment): void
  /** The complete calls, in index order, arguments parsed; a call without an id gets `call_<index>`. */
  calls(): ToolCall[]
}

/** Assembles streamed tool calls from their fragments, by index (parallel calls interleave). */
export function createToolCallAssembler(): ToolCallAssembler {
  const pending = new Map<number, { id: string; name: string; args: string }>()
  return {
    add(fragment) {
      const call = pending.get(fragment.index) ?? { id: '', name: '', args: '' }
      if (fragment.id) call.id = fragment.id
      if (fragment.function?.name) call.name += fragment.function.name
      if (fragment.function?.arguments) call.args += fragment.function.arguments
      pending.set(fragment.index, call)
    },
    calls() {
      return [...pending.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, call]) => ({
          id: call.id || `call_${index}`,
          name: call.name,
          args: parseToolArguments(call.args),
        }))
    },
  }
}
