import { z } from 'zod'

/** Per-provider extras kept on a part, e.g. a Gemini thought signature. Keyed by provider id. */
export const providerMetadataSchema = z.record(z.string(), z.record(z.string(), z.unknown()))
export type ProviderMetadata = z.infer<typeof providerMetadataSchema>

/**
 * A text part. `providerMetadata` carries per-provider extras for the block, such as Anthropic's
 * cache breakpoint: `{ anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } }`;
 * adapters that do not know a key ignore it.
 */
export const textPartSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  providerMetadata: providerMetadataSchema.optional(),
})
export const imagePartSchema = z.object({
  type: z.literal('image'),
  /** An http(s) URL, a data: URL, base64 text or raw bytes. */
  image: z.union([z.string().min(1), z.instanceof(Uint8Array), z.instanceof(URL)]),
  mediaType: z.string().optional(),
})
export const reasoningPartSchema = z.object({
  type: z.literal('reasoning'),
  text: z.string(),
  providerMetadata: providerMetadataSchema.optional(),
})
export const toolCallPartSchema = z.object({
  type: z.literal('tool-call'),
  id: z.string().min(1),
  name: z.string().min(1),
  args: z.unknown(),
  providerMetadata: providerMetadataSchema.optional(),
})
export const toolResultPartSchema = z.object({
  type: z.literal('tool-result'),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  result: z.unknown(),
  isError: z.boolean().optional(),
})

export type TextPart = z.infer<typeof textPartSchema>
export type ImagePart = z.infer<typeof imagePartSchema>
export type ReasoningPart = z.infer<typeof reasoningPartSchema>
export type ToolCallPart = z.infer<typeof toolCallPartSchema>
export type ToolResultPart = z.infer<typeof toolResultPartSchema>
/** What an assistant message, and so a result's `content`, is made of. */
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart
export type ContentPart = TextPart | ImagePart | ReasoningPart | ToolCallPart | ToolResultPart

/** A system prompt; its `providerMetadata` applies to its text as a text part's does. */
export const systemMessageSchema = z.object({
  role: z.literal('system'),
  content: z.string(),
  providerMetadata: providerMetadataSchema.optional(),
})
export const userMessageSchema = z.object({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPartSchema, imagePartSchema]))]),
})
export const assistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion('type', [textPartSchema, reasoningPartSchema, toolCallPartSchema])),
  ]),
})
export const toolMessageSchema = z.object({
  role: z.literal('tool'),
  content: z.array(toolResultPartSchema).min(1),
})
export const messageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
])

export type SystemMessage = z.infer<typeof systemMessageSchema>
export type UserMessage = z.infer<typeof userMessageSchema>
export type AssistantMessage = z.infer<typeof assistantMessageSchema>
export type ToolMessage = z.infer<typeof toolMessageSchema>
export type Message = z.infer<typeof messageSchema>
export type Role = Message['role']

/** The content of any message as an array of parts. */
export function partsOf(message: Message): ContentPart[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content
}

/** The concatenated text of the text parts among `parts`. */
export function textOfParts(parts: readonly ContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

/** The concatenated text of a message's text parts. */
export function textOf(message: Message): string {
  return textOfParts(partsOf(message))
}
