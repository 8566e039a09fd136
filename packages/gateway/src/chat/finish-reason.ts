import type { FinishReason } from '@aimux/ai-core'

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter'

/** The core's finish reason as OpenAI's; 'error' and 'other' have no OpenAI name and read as 'stop'. */
export function openaiFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'length':
      return 'length'
    case 'tool-calls':
      return 'tool_calls'
    case 'content-filter':
      return 'content_filter'
    default:
      return 'stop'
  }
}
