import type { Message } from '@aimux/ai-core'
import { stringifyToolArguments } from '@aimux/ai-core/provider-kit'
import type { ResponseInputItem } from 'openai/resources/responses/responses'
import { imageUrl } from '../image-url.js'
import { toolResultOutput } from '../tool-result-output.js'

/**
 * aimux messages as Responses API input items: system, user (text and images) and assistant
 * messages, each assistant tool call as a `function_call` item and each tool result as a
 * `function_call_output`. Reasoning parts are not sent back.
 */
export function toResponsesInput(messages: readonly Message[]): ResponseInputItem[] {
  return messages.flatMap(inputItemsOf)
}

function inputItemsOf(message: Message): ResponseInputItem[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }]
    case 'user':
      return [
        {
          role: 'user',
          content:
            typeof message.content === 'string'
              ? message.content
              : message.content.map((part) =>
                  part.type === 'text'
                    ? { type: 'input_text' as const, text: part.text }
                    : { type: 'input_image' as const, image_url: imageUrl(part), detail: 'auto' as const },
                ),
        },
      ]
    case 'assistant': {
      if (typeof message.content === 'string') return [{ role: 'assistant', content: message.content }]
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
      const calls = message.content.flatMap((part): ResponseInputItem[] =>
        part.type === 'tool-call'
          ? [
              {
                type: 'function_call',
                call_id: part.id,
                name: part.name,
                arguments: stringifyToolArguments(part.args),
              },
            ]
          : [],
      )
      return [...(text === '' ? [] : [{ role: 'assistant' as const, content: text }]), ...calls]
    }
    case 'tool':
      return message.content.map((part) => ({
        type: 'function_call_output',
        call_id: part.toolCallId,
        output: toolResultOutput(part),
      }))
  }
}
