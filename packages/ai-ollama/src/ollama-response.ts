import type { CallContext, FinishReason, ToolCall, Usage } from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import type { ChatResponse, ToolCall as OllamaToolCall } from 'ollama'

/** prompt_eval_count and eval_count; Ollama reports neither cached nor reasoning tokens apart. */
export function ollamaUsage(response: Pick<ChatResponse, 'prompt_eval_count' | 'eval_count'>): Usage {
  return normalizeUsage({ inputTokens: response.prompt_eval_count, outputTokens: response.eval_count })
}

/**
 * What keeps an /api/chat answer from being read, or undefined when it can be: not a JSON object,
 * or no `message` object (`{}` is never an empty success).
 */
export function unreadableChat(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return 'not a JSON object'
  const { message } = response as { message?: unknown }
  return typeof message === 'object' && message !== null ? undefined : 'no message'
}

/** Ollama ends a turn with tool calls as 'stop': the calls themselves say 'tool-calls'. */
export function ollamaFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'length') return 'length'
  if (hasToolCalls) return 'tool-calls'
  if (reason === 'stop') return 'stop'
  return 'other'
}

/**
 * Tool calls (Ollama sends the arguments as objects) with ids, which Ollama does not give: stable for the call (the request, its tool
 * step and the call's position) and unique within the conversation. Numbered across a stream.
 */
export function ollamaToolCalls(ctx: CallContext) {
  let calls = 0
  return (wire: readonly OllamaToolCall[] | undefined): ToolCall[] =>
    (wire ?? []).map((call) => {
      calls += 1
      return {
        id: `ollama-call-${ctx.requestId}-${ctx.step}-${calls}`,
        name: call.function.name,
        args: call.function.arguments,
      }
    })
}
