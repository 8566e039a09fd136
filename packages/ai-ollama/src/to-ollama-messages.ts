import { type AssistantPart, type ImagePart, type Message, ValidationError } from '@aimux/ai-core'
import type { Message as OllamaMessage } from 'ollama'

/**
 * Translates aimux messages for /api/chat: text parts joined into `content`, images as base64 in
 * `images`, reasoning as `thinking`, tool calls with their arguments as objects, and one `tool`
 * message per tool result, named by `tool_name` (Ollama has no tool call ids).
 */
export function toOllamaMessages(messages: readonly Message[]): OllamaMessage[] {
  return messages.flatMap((message): OllamaMessage[] => {
    if (message.role === 'system') return [{ role: 'system', content: message.content }]
    if (message.role === 'user') {
      if (typeof message.content === 'string') return [{ role: 'user', content: message.content }]
      const images = message.content.flatMap((part) => (part.type === 'image' ? [base64Image(part)] : []))
      return [
        {
          role: 'user',
          content: message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
          ...(images.length > 0 ? { images } : {}),
        },
      ]
    }
    if (message.role === 'assistant') {
      if (typeof message.content === 'string') return [{ role: 'assistant', content: message.content }]
      return [assistantMessage(message.content)]
    }
    return message.content.map((part) => ({
      role: 'tool',
      content: typeof part.result === 'string' ? part.result : JSON.stringify(part.result ?? null),
      tool_name: part.toolName,
    }))
  })
}

function assistantMessage(parts: readonly AssistantPart[]): OllamaMessage {
  const thinking = parts.map((part) => (part.type === 'reasoning' ? part.text : '')).join('')
  const calls = parts.flatMap((part) =>
    part.type === 'tool-call'
      ? [{ function: { name: part.name, arguments: (part.args ?? {}) as Record<string, unknown> } }]
      : [],
  )
  return {
    role: 'assistant',
    content: parts.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    ...(thinking ? { thinking } : {}),
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  }
}

/** Ollama takes images as base64 only; it cannot fetch a URL. */
function base64Image(part: ImagePart): string {
  const { image } = part
  if (image instanceof URL || /^https?:\/\//i.test(typeof image === 'string' ? image : '')) {
    throw new ValidationError(
      'ollama: images must be bytes, base64 or a data: URL; Ollama cannot fetch an image URL',
      {
        provider: 'ollama',
      },
    )
  }
  if (typeof image !== 'string') return Buffer.from(image as Uint8Array).toString('base64')
  return /^data:[^;,]+;base64,(.*)$/s.exec(image)?.[1] ?? image
}
