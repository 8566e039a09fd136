import type { AssistantPart, ImagePart, Message } from '@aimux/ai-core'
import type Anthropic from '@anthropic-ai/sdk'

/** The system prompt and the conversation, as the Messages API takes them. */
export interface AnthropicPrompt {
  system: string | undefined
  messages: Anthropic.MessageParam[]
}

/**
 * Translates aimux messages: system messages become the separate `system` prompt, tool results a
 * user turn of tool_result blocks, and reasoning parts the thinking (or redacted thinking) blocks
 * they came from, when they carry the signature the API needs back.
 */
export function toAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  const system: string[] = []
  const converted: Anthropic.MessageParam[] = []
  for (const message of messages) {
    if (message.role === 'system') system.push(message.content)
    else if (message.role === 'user') {
      converted.push({
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part) => (part.type === 'text' ? textBlock(part.text) : imageBlock(part))),
      })
    } else if (message.role === 'assistant') {
      converted.push({
        role: 'assistant',
        content:
          typeof message.content === 'string' ? message.content : message.content.flatMap(assistantBlock),
      })
    } else {
      converted.push({
        role: 'user',
        content: message.content.map((part) => ({
          type: 'tool_result',
          tool_use_id: part.toolCallId,
          content: typeof part.result === 'string' ? part.result : JSON.stringify(part.result ?? null),
          ...(part.isError ? { is_error: true } : {}),
        })),
      })
    }
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: converted }
}

function textBlock(text: string): Anthropic.TextBlockParam {
  return { type: 'text', text }
}

function assistantBlock(part: AssistantPart): Anthropic.ContentBlockParam[] {
  if (part.type === 'text') return part.text ? [textBlock(part.text)] : []
  if (part.type === 'tool-call')
    return [{ type: 'tool_use', id: part.id, name: part.name, input: part.args ?? {} }]
  const { signature, redactedData } = part.providerMetadata?.anthropic ?? {}
  if (typeof redactedData === 'string') return [{ type: 'redacted_thinking', data: redactedData }]
  // Thinking without its signature was not produced by this API and cannot be sent back.
  if (typeof signature !== 'string') return []
  return [{ type: 'thinking', thinking: part.text, signature }]
}

/** Base64 beginnings of the image formats the API takes, for images given without a media type. */
const signatures: [string, Anthropic.Base64ImageSource['media_type']][] = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
]

function imageBlock(part: ImagePart): Anthropic.ImageBlockParam {
  const { image } = part
  if (image instanceof URL) return { type: 'image', source: { type: 'url', url: image.href } }
  if (typeof image === 'string' && /^https?:\/\//i.test(image)) {
    return { type: 'image', source: { type: 'url', url: image } }
  }
  const dataUrl = typeof image === 'string' ? /^data:([^;,]+);base64,(.*)$/s.exec(image) : null
  const data = dataUrl?.[2] ?? (typeof image === 'string' ? image : Buffer.from(image).toString('base64'))
  const mediaType =
    dataUrl?.[1] ?? part.mediaType ?? signatures.find(([start]) => data.startsWith(start))?.[1] ?? 'image/png'
  // An unsupported media type goes through as it is, for the API to refuse with its own message.
  return {
    type: 'image',
    source: { type: 'base64', media_type: mediaType as Anthropic.Base64ImageSource['media_type'], data },
  }
}
