import type { ChatResult } from '@aimux/ai-core'
import { type OpenAIFinishReason, openaiFinishReason } from './finish-reason.js'
import { type OpenAIToolCall, openaiToolCall } from './openai-tool-call.js'
import { type OpenAIUsage, openaiUsage } from './openai-usage.js'

export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: [
    {
      index: 0
      message: {
        role: 'assistant'
        content: string | null
        refusal: null
        tool_calls?: OpenAIToolCall[]
      }
      logprobs: null
      finish_reason: OpenAIFinishReason
    },
  ]
  usage: OpenAIUsage
}

/** The id of a completion, from the request id it was made under. */
export function completionId(requestId: string): string {
  return `chatcmpl-${requestId.replace(/[^a-zA-Z0-9]/g, '')}`
}

/** A finished aimux call as an OpenAI chat completion; `model` is the name the client asked for. */
export function chatCompletion(result: ChatResult, model: string, created: number): ChatCompletion {
  const toolCalls = result.toolCalls.map(openaiToolCall)
  return {
    id: completionId(result.requestId),
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.text === '' && toolCalls.length > 0 ? null : result.text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: openaiFinishReason(result.finishReason),
      },
    ],
    usage: openaiUsage(result.usage),
  }
}
