import type { ToolCall, Usage } from '@aimux/ai-core'
import type { OpenAIFinishReason } from './finish-reason.js'
import { openaiToolCall } from './openai-tool-call.js'
import { openaiUsage } from './openai-usage.js'

/**
 * The `chat.completion.chunk` objects of one streamed completion, all with the same id, created
 * time and model. With `includeUsage`, every chunk carries `usage: null` and a last chunk with
 * no choices carries the usage, as OpenAI streams it with `stream_options.include_usage`.
 */
export function completionChunks(options: {
  id: string
  created: number
  model: string
  includeUsage: boolean
}) {
  const { id, created, model, includeUsage } = options
  const chunk = (delta: Record<string, unknown>, finishReason: OpenAIFinishReason | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  })
  return {
    /** The first chunk: who speaks. */
    role: () => chunk({ role: 'assistant', content: '' }),
    content: (text: string) => chunk({ content: text }),
    /** A whole tool call in one delta: the core hands tool calls over complete. */
    toolCall: (index: number, call: ToolCall) => {
      const { id: callId, type, function: fn } = openaiToolCall(call)
      return chunk({ tool_calls: [{ index, id: callId, type, function: fn }] })
    },
    finish: (reason: OpenAIFinishReason) => chunk({}, reason),
    usage: (usage: Usage) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [],
      usage: openaiUsage(usage),
    }),
  }
}
