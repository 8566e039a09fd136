import type { AssistantMessage, Message, UserMessage } from '@aimux/ai-core'
import { stringifyToolArguments } from '@aimux/ai-core/provider-kit'
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'
import { imageUrl } from '../image-url.js'
import { toolResultOutput } from '../tool-result-output.js'
import { sentReasoningDetails } from './reasoning-details.js'

export interface ChatMessagesOptions {
  /**
   * The `providerMetadata` key whose `reasoningDetails` on an assistant message's reasoning parts
   * go back as the message's `reasoning_details` (OpenRouter's). Default: none, nothing sent.
   */
  reasoningDetailsKey?: string | undefined
}

/**
 * aimux messages as Chat Completions messages: the system prompt, user text and images, assistant
 * text with its tool calls (arguments as JSON), and each tool result as its own `tool` message.
 * Reasoning text is not sent back: the Chat Completions API takes no reasoning in its history. With
 * `reasoningDetailsKey`, reasoning blocks kept under that key go back as `reasoning_details`.
 */
export function toChatMessages(
  messages: readonly Message[],
  options: ChatMessagesOptions = {},
): ChatCompletionMessageParam[] {
  return messages.flatMap((message) => chatMessagesOf(message, options))
}

function chatMessagesOf(message: Message, options: ChatMessagesOptions): ChatCompletionMessageParam[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }]
    case 'user':
      return [{ role: 'user', content: userContent(message) }]
    case 'assistant': {
      const details = options.reasoningDetailsKey
        ? sentReasoningDetails(message, options.reasoningDetailsKey)
        : undefined
      // `reasoning_details` is OpenRouter's field, unknown to the SDK's types.
      return [
        details
          ? ({ ...assistantMessage(message), reasoning_details: details } as ChatCompletionMessageParam)
          : assistantMessage(message),
      ]
    }
    case 'tool':
      return message.content.map((part) => ({
        role: 'tool',
        tool_call_id: part.toolCallId,
        content: toolResultOutput(part),
      }))
  }
}

function userContent(message: UserMessage): string | ChatCompletionContentPart[] {
  if (typeof message.content === 'string') return message.content
  return message.content.map((part) =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : { type: 'image_url', image_url: { url: imageUrl(part) } },
  )
}

function assistantMessage(message: AssistantMessage): ChatCompletionAssistantMessageParam {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content }
  const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
  const toolCalls = message.content.flatMap((part) =>
    part.type === 'tool-call'
      ? [
          {
            id: part.id,
            type: 'function' as const,
            function: { name: part.name, arguments: stringifyToolArguments(part.args) },
          },
        ]
      : [],
  )
  if (toolCalls.length === 0) return { role: 'assistant', content: text }
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
}
