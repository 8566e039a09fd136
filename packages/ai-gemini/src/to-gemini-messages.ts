import type { AssistantPart, ImagePart, Message } from '@aimux/ai-core'
import type { Content, Part } from '@google/genai'
import { isGeneratedCallId } from './gemini-tool-call-id.js'

/** The system instruction and the conversation, as generateContent takes them. */
export interface GeminiPrompt {
  systemInstruction: string | undefined
  contents: Content[]
}

/**
 * Translates aimux messages: system messages become the `systemInstruction`, assistant turns
 * `model` contents (reasoning as thought parts, tool calls as functionCall parts carrying the
 * thoughtSignature Gemini needs back), and tool results `user` contents of functionResponse parts.
 */
export function toGeminiMessages(messages: readonly Message[]): GeminiPrompt {
  const system: string[] = []
  const contents: Content[] = []
  for (const message of messages) {
    if (message.role === 'system') system.push(message.content)
    else if (message.role === 'user') {
      contents.push({
        role: 'user',
        parts:
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.map((part) => (part.type === 'text' ? { text: part.text } : imagePart(part))),
      })
    } else if (message.role === 'assistant') {
      contents.push({
        role: 'model',
        parts:
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.flatMap(modelPart),
      })
    } else {
      contents.push({
        role: 'user',
        parts: message.content.map((part) => ({
          functionResponse: {
            name: part.toolName,
            // Gemini's convention: the output under "output", a failure under "error".
            response: part.isError ? { error: part.result } : { output: part.result },
            ...(isGeneratedCallId(part.toolCallId) ? {} : { id: part.toolCallId }),
          },
        })),
      })
    }
  }
  return { systemInstruction: system.length > 0 ? system.join('\n\n') : undefined, contents }
}

function signatureOf(part: AssistantPart): { thoughtSignature?: string } {
  const signature = part.type === 'text' ? undefined : part.providerMetadata?.gemini?.thoughtSignature
  return typeof signature === 'string' ? { thoughtSignature: signature } : {}
}

function modelPart(part: AssistantPart): Part[] {
  if (part.type === 'text') return part.text ? [{ text: part.text }] : []
  if (part.type === 'reasoning') return [{ text: part.text, thought: true, ...signatureOf(part) }]
  return [
    {
      functionCall: {
        name: part.name,
        args: (part.args ?? {}) as Record<string, unknown>,
        ...(isGeneratedCallId(part.id) ? {} : { id: part.id }),
      },
      ...signatureOf(part),
    },
  ]
}

/** Base64 beginnings of common image formats, for images given without a media type. */
const signatures: [string, string][] = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
]

function imagePart(part: ImagePart): Part {
  const { image } = part
  const fileData = (fileUri: string): Part => ({
    fileData: { fileUri, ...(part.mediaType ? { mimeType: part.mediaType } : {}) },
  })
  if (image instanceof URL) return fileData(image.href)
  if (typeof image === 'string' && /^https?:\/\//i.test(image)) return fileData(image)
  const dataUrl = typeof image === 'string' ? /^data:([^;,]+);base64,(.*)$/s.exec(image) : null
  const data = dataUrl?.[2] ?? (typeof image === 'string' ? image : Buffer.from(image).toString('base64'))
  const mimeType =
    dataUrl?.[1] ?? part.mediaType ?? signatures.find(([start]) => data.startsWith(start))?.[1] ?? 'image/png'
  return { inlineData: { mimeType, data } }
}
