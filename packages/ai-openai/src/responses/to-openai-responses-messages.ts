import type { AssistantPart, Message, ReasoningPart } from '@aimux/ai-core'
import { stringifyToolArguments } from '@aimux/ai-core/provider-kit'
import type { ResponseInputItem } from 'openai/resources/responses/responses'
import { imageUrl } from '../image-url.js'
import { toolResultOutput } from '../tool-result-output.js'

/**
 * aimux messages as Responses API input items: system, user (text and images) and assistant
 * messages, each assistant tool call as a `function_call` item and each tool result as a
 * `function_call_output`. An assistant message's parts keep their order: a reasoning part that
 * carries `providerMetadata.openai.encryptedContent` goes back as the `reasoning` item it came
 * from, before the text and function calls that followed it; other reasoning parts (another
 * provider's, or one without encrypted content) are left out.
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
    case 'assistant':
      if (typeof message.content === 'string') return [{ role: 'assistant', content: message.content }]
      return assistantItems(message.content)
    case 'tool':
      return message.content.map((part) => ({
        type: 'function_call_output',
        call_id: part.toolCallId,
        output: toolResultOutput(part),
      }))
  }
}

/** Assistant parts in order: each run of text as one message, calls and reasoning as their items. */
function assistantItems(parts: readonly AssistantPart[]): ResponseInputItem[] {
  const items: ResponseInputItem[] = []
  let text = ''
  const flush = () => {
    if (text !== '') items.push({ role: 'assistant', content: text })
    text = ''
  }
  for (const part of parts) {
    if (part.type === 'text') {
      text += part.text
      continue
    }
    const item = part.type === 'reasoning' ? reasoningItem(part) : functionCall(part)
    if (!item) continue
    flush()
    items.push(item)
  }
  flush()
  return items
}

function functionCall(part: Extract<AssistantPart, { type: 'tool-call' }>): ResponseInputItem {
  return {
    type: 'function_call',
    call_id: part.id,
    name: part.name,
    arguments: stringifyToolArguments(part.args),
  }
}

/** The reasoning item a part came from, when it carries the encrypted content the API needs. */
function reasoningItem(part: ReasoningPart): ResponseInputItem | undefined {
  const { itemId, encryptedContent } = part.providerMetadata?.openai ?? {}
  if (typeof itemId !== 'string' || typeof encryptedContent !== 'string') return undefined
  return {
    type: 'reasoning',
    id: itemId,
    encrypted_content: encryptedContent,
    summary: part.text ? [{ type: 'summary_text', text: part.text }] : [],
  }
}
