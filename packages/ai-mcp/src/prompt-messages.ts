import type { Message } from '@aimux/ai-core'
import type { GetPromptResult, PromptMessage } from '@modelcontextprotocol/sdk/types.js'
import { contentText } from './content-text.js'

/** An MCP prompt, made ready to send: `ai.chat({ messages: prompt.messages })`. */
export interface McpPrompt {
  description?: string
  messages: Message[]
}

/**
 * Turns a prompt the server rendered into aimux messages, one per prompt message. An image in a
 * user message stays an image part; everything else becomes text as in tool results.
 */
export function promptMessages(result: GetPromptResult): McpPrompt {
  const prompt: McpPrompt = { messages: result.messages.map(toMessage) }
  if (result.description !== undefined) prompt.description = result.description
  return prompt
}

function toMessage({ role, content }: PromptMessage): Message {
  if (role === 'user' && content.type === 'image') {
    return { role, content: [{ type: 'image', image: content.data, mediaType: content.mimeType }] }
  }
  return { role, content: contentText(content) }
}
