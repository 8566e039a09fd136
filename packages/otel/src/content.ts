import type { AssistantPart, ContentPart, Message } from '@aimux/ai-core'

/** One message in the GenAI conventions' shape: a role and typed parts. */
interface GenAiMessage {
  role: string
  parts: Record<string, unknown>[]
  finish_reason?: string
}

function part(p: ContentPart): Record<string, unknown> {
  switch (p.type) {
    case 'text':
      return { type: 'text', content: p.text }
    case 'reasoning':
      return { type: 'reasoning', content: p.text }
    case 'tool-call':
      return { type: 'tool_call', id: p.id, name: p.name, arguments: p.args }
    case 'tool-result':
      return { type: 'tool_call_response', id: p.toolCallId, response: p.result }
    case 'image':
      // Image bytes are not copied onto spans; the part says an image was there.
      return { type: 'image' }
  }
}

/** The messages a model call sends, as the `gen_ai.input.messages` attribute's JSON. */
export function inputMessages(messages: readonly Message[]): string {
  const shaped: GenAiMessage[] = messages.map((m) => ({
    role: m.role,
    parts: typeof m.content === 'string' ? [{ type: 'text', content: m.content }] : m.content.map(part),
  }))
  return JSON.stringify(shaped)
}

/** What the model answered, as the `gen_ai.output.messages` attribute's JSON. */
export function outputMessages(content: readonly AssistantPart[], finishReason: string): string {
  const message: GenAiMessage = { role: 'assistant', parts: content.map(part), finish_reason: finishReason }
  return JSON.stringify([message])
}

/** Any value as text for an attribute. */
export function json(value: unknown): string {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? 'null'
  } catch {
    return String(value)
  }
}
