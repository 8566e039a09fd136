import type { AssistantPart, ProviderResult, ProviderStreamPart } from '@aimux/ai-core'
import type { PlaceholderVault } from './placeholder-vault.js'
import { createTextRestorer } from './restore-text-stream.js'

/** A value with the placeholders in its strings put back (objects and arrays copied). */
export function restoreDeep(value: unknown, vault: PlaceholderVault): unknown {
  if (typeof value === 'string') return vault.restore(value)
  if (Array.isArray(value)) return value.map((v) => restoreDeep(v, vault))
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreDeep(v, vault)]))
  return value
}

function restorePart(part: AssistantPart, vault: PlaceholderVault): AssistantPart {
  if (part.type === 'tool-call') return { ...part, args: restoreDeep(part.args, vault) }
  return { ...part, text: vault.restore(part.text) }
}

/** A whole answer with its text, reasoning and tool-call arguments restored. */
export function restoreResult(result: ProviderResult, vault: PlaceholderVault): ProviderResult {
  return { ...result, content: result.content.map((p) => restorePart(p, vault)) }
}

/**
 * A streamed answer with placeholders put back in text and reasoning deltas (each held back by at
 * most the longest placeholder's length less one character, and only while it could be the start
 * of one) and in tool-call arguments. Held text is passed on before any other part.
 */
export async function* restoreStream(
  parts: AsyncIterable<ProviderStreamPart>,
  vault: PlaceholderVault,
): AsyncGenerator<ProviderStreamPart> {
  const text = createTextRestorer(vault)
  const reasoning = createTextRestorer(vault)
  const heldText = (): ProviderStreamPart[] => {
    const t = text.flush()
    return t ? [{ type: 'text-delta', text: t }] : []
  }
  const heldReasoning = (): ProviderStreamPart[] => {
    const r = reasoning.flush()
    return r ? [{ type: 'reasoning-delta', text: r }] : []
  }
  for await (const part of parts) {
    if (part.type === 'text-delta') {
      yield* heldReasoning()
      const out = text.push(part.text)
      if (out) yield { ...part, text: out }
    } else if (part.type === 'reasoning-delta') {
      yield* heldText()
      const out = reasoning.push(part.text)
      if (out) yield { ...part, text: out }
    } else {
      yield* heldReasoning()
      yield* heldText()
      yield part.type === 'tool-call'
        ? { ...part, toolCall: { ...part.toolCall, args: restoreDeep(part.toolCall.args, vault) } }
        : part
    }
  }
  yield* heldReasoning()
  yield* heldText()
}
