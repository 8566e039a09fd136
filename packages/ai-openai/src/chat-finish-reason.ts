import type { FinishReason } from '@aimux/ai-core'

/** A Chat Completions `finish_reason` as aimux's: OpenRouter's 'error' included, anything unknown as 'other'. */
export function chatFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop'
    case 'length':
      return 'length'
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls'
    case 'content_filter':
      return 'content-filter'
    case 'error':
      return 'error'
    default:
      return 'other'
  }
}
