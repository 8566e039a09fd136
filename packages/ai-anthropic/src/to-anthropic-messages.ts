import type { AssistantPart, ImagePart, Message, TextPart } from '@aimux/ai-core'
import type Anthropic from '@anthropic-ai/sdk'
import { cacheControlOf, withCacheControl } from './anthropic-cache-control.js'

/** The system prompt and the conversation, as the Messages API takes them. */
export interface AnthropicPrompt {
  system: string | Anthropic.TextBlockParam[] | undefined
  messages: Anthropic.MessageParam[]
}

/**
 * Translates aimux messages: system messages become the separate `system` prompt (one string, or
 * one text block each when one of them sets a cache breakpoint), tool results a user turn of
 * tool_result blocks, and reasoning parts the thinking (or redacted thinking) blocks they came
 * from, when they carry the signature the API needs back. A text part's (or system message's)
 * `providerMetadata.anthropic.cacheControl` becomes its block's `cache_control`.
 */
export function toAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  const system: Anthropic.TextBlockParam[] = []
  const converted: Anthropic.MessageParam[] = []
  for (const [m, message] of messages.entries()) {
    const where = (p: number) => `messages[${m}].content[${p}]`
    if (message.role === 'system') {
      const cacheControl = cacheControlOf(message.providerMetadata, `messages[${m}]`)
      system.push(withCacheControl(textBlock(message.content), cacheControl))
    } else if (message.role === 'user') {
      converted.push({
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part, p) =>
                part.type === 'text' ? cachedTextBlock(part, where(p)) : imageBlock(part),
              ),
      })
    } else if (message.role === 'assistant') {
      converted.push({
        role: 'assistant',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.flatMap((part, p) => assistantBlock(part, where(p))),
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
  return { system: systemPrompt(system), messages: converted }
}

/** One string as before, unless a system message sets a cache breakpoint: then one block each. */
function systemPrompt(blocks: Anthropic.TextBlockParam[]): AnthropicPrompt['system'] {
  if (blocks.length === 0) return undefined
  if (blocks.some((block) => block.cache_control)) return blocks
  return blocks.map((block) => block.text).join('\n\n')
}

function textBlock(text: string): Anthropic.TextBlockParam {
  return { type: 'text', text }
}

function cachedTextBlock(part: TextPart, where: string): Anthropic.TextBlockParam {
  return withCacheControl(textBlock(part.text), cacheControlOf(part.providerMetadata, where))
}

function assistantBlock(part: AssistantPart, where: string): Anthropic.ContentBlockParam[] {
  if (part.type === 'text') return part.text ? [cachedTextBlock(part, where)] : []
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
