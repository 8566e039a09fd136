import type { ToolCall } from '@aimux/ai-core'
import { stringifyToolArguments } from '@aimux/ai-core/provider-kit'

export interface OpenAIToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

/** A tool call as OpenAI writes one: its arguments as JSON text (or as the model sent them, when not JSON). */
export function openaiToolCall(call: ToolCall): OpenAIToolCall {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: stringifyToolArguments(call.args) },
  }
}
