import {
  type AssistantPart,
  type ImagePart,
  type Message,
  type TextPart,
  ValidationError,
} from '@aimux/ai-core'
import { parseToolArguments } from '@aimux/ai-core/provider-kit'
import type { ChatCompletionMessage } from './chat-completion-request.js'

type TextContent = string | { text: string }[]

const joined = (content: TextContent) =>
  typeof content === 'string' ? content : content.map((part) => part.text).join('\n')

/** An image_url part as the core's image part: http(s) and data: URLs as they are. */
function imagePart(url: string): ImagePart {
  const mediaType = /^data:([^;,]+)[;,]/i.exec(url)?.[1]
  return mediaType ? { type: 'image', image: url, mediaType } : { type: 'image', image: url }
}

function invalid(path: string, message: string): ValidationError {
  const error = new ValidationError(`Invalid request: ${path}: ${message}`)
  error.issues = [{ path, message }]
  return error
}

/**
 * OpenAI chat messages as the core's: system and developer messages as system messages, user
 * text and image parts, assistant text with its tool calls (arguments parsed from JSON), and each
 * tool message as a tool result named after the call it answers. A tool message that answers no
 * earlier tool call is a ValidationError naming it.
 */
export function toAimuxMessages(messages: readonly ChatCompletionMessage[]): Message[] {
  const toolNames = new Map<string, string>()
  return messages.map((message, index): Message => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: joined(message.content) }
      case 'user': {
        if (typeof message.content === 'string') return { role: 'user', content: message.content }
        const parts = message.content.map((part): TextPart | ImagePart =>
          part.type === 'text' ? { type: 'text', text: part.text } : imagePart(part.image_url.url),
        )
        return { role: 'user', content: parts }
      }
      case 'assistant': {
        const content: AssistantPart[] = []
        const text =
          typeof message.content === 'string'
            ? message.content
            : (message.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('')
        if (text !== '') content.push({ type: 'text', text })
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name)
          content.push({
            type: 'tool-call',
            id: call.id,
            name: call.function.name,
            args: parseToolArguments(call.function.arguments),
          })
        }
        return { role: 'assistant', content: content.length === 0 ? '' : content }
      }
      default: {
        // The one role left: 'tool'.
        const toolName = toolNames.get(message.tool_call_id)
        if (toolName === undefined) {
          throw invalid(
            `messages[${index}].tool_call_id`,
            'answers no tool call of an earlier assistant message',
          )
        }
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: message.tool_call_id,
              toolName,
              result: joined(message.content),
            },
          ],
        }
      }
    }
  })
}
