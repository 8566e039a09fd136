import type { Message } from '@aimux/ai-core'
import type { PlaceholderVault } from './placeholder-vault.js'
import { addCounts, type DetectorCounts, type Redactor } from './redactor.js'

/** What redacting a prompt gave: the messages to send, the counts, and a refusal if one matched. */
export interface MessagesRedaction {
  messages: Message[]
  counts: DetectorCounts
  refusedBy?: string
}

/**
 * Redacts what a prompt says: system prompts, user text, assistant text (earlier answers, where
 * restored values would otherwise go back out), the string values in tool-call arguments and in
 * tool results. Not scanned: images, reasoning parts (some providers sign them, so they are sent
 * back as they came), object keys, numbers.
 */
export function redactMessages(
  messages: readonly Message[],
  redactor: Redactor,
  vault: PlaceholderVault,
): MessagesRedaction {
  const counts: DetectorCounts = {}
  let refusedBy: string | undefined
  const text = (value: string): string => {
    const r = redactor.redact(value, vault)
    addCounts(counts, r.counts)
    refusedBy ??= r.refusedBy
    return r.text
  }
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value)
    if (Array.isArray(value)) return value.map(deep)
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]))
    return value
  }
  const out = messages.map((m): Message => {
    switch (m.role) {
      case 'system':
        return { ...m, content: text(m.content) }
      case 'user':
        return {
          ...m,
          content:
            typeof m.content === 'string'
              ? text(m.content)
              : m.content.map((p) => (p.type === 'text' ? { ...p, text: text(p.text) } : p)),
        }
      case 'assistant':
        return {
          ...m,
          content:
            typeof m.content === 'string'
              ? text(m.content)
              : m.content.map((p) =>
                  p.type === 'text'
                    ? { ...p, text: text(p.text) }
                    : p.type === 'tool-call'
                      ? { ...p, args: deep(p.args) }
                      : p,
                ),
        }
      default:
        return { ...m, content: m.content.map((p) => ({ ...p, result: deep(p.result) })) }
    }
  })
  return refusedBy === undefined ? { messages: out, counts } : { messages: out, counts, refusedBy }
}
