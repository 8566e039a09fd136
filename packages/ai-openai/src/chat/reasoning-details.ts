import type { AssistantMessage, ProviderMetadata } from '@aimux/ai-core'

/**
 * One reasoning block as OpenRouter (and other gateways on the Chat Completions wire) send it in
 * `reasoning_details`: `reasoning.text` (with a `signature`), `reasoning.summary` or
 * `reasoning.encrypted` (with `data`), placed by `index`. Kept and sent back exactly as received.
 */
export interface ReasoningDetail {
  type: string
  index?: number
  format?: string
  id?: string
  text?: string
  summary?: string
  data?: string
  signature?: string
  [field: string]: unknown
}

/** The `reasoning_details` of a reply's message or a stream chunk's delta, or undefined when there are none. */
export function reasoningDetailsOf(message: object | null | undefined): ReasoningDetail[] | undefined {
  const details = (message as { reasoning_details?: unknown } | null | undefined)?.reasoning_details
  if (!Array.isArray(details)) return undefined
  const blocks = details.filter(
    (detail): detail is ReasoningDetail =>
      typeof detail === 'object' &&
      detail !== null &&
      typeof (detail as { type?: unknown }).type === 'string',
  )
  return blocks.length > 0 ? blocks : undefined
}

/** Reasoning details as a reasoning part's `providerMetadata`, under `key`. */
export function reasoningDetailsMetadata(key: string, details: ReasoningDetail[]): ProviderMetadata {
  return { [key]: { reasoningDetails: details } }
}

/**
 * The reasoning details an assistant message carries on its reasoning parts under
 * `providerMetadata[key].reasoningDetails`, in order, or undefined when it carries none.
 */
export function sentReasoningDetails(message: AssistantMessage, key: string): unknown[] | undefined {
  if (typeof message.content === 'string') return undefined
  const details = message.content.flatMap((part) => {
    if (part.type !== 'reasoning') return []
    const kept = part.providerMetadata?.[key]?.reasoningDetails
    return Array.isArray(kept) ? kept : []
  })
  return details.length > 0 ? details : undefined
}

/** Merges the `reasoning_details` pieces of a stream into whole blocks. */
export interface ReasoningDetailsAssembler {
  add(pieces: readonly ReasoningDetail[]): void
  /** The blocks so far, by index, or undefined when none came. */
  details(): ReasoningDetail[] | undefined
}

/** The string fields a stream sends in pieces; any other field of a later piece replaces the earlier one. */
const pieced = ['text', 'summary', 'data'] as const

/**
 * Streamed reasoning details are pieces of blocks: pieces with the same `index` (a piece without
 * one belongs to the block before) make one block, their `text`, `summary` and `data`
 * concatenated, any other field (`signature`, `id`, `format`) as the last piece that has it says.
 */
export function createReasoningDetailsAssembler(): ReasoningDetailsAssembler {
  const blocks = new Map<number, ReasoningDetail>()
  let last = 0
  return {
    add(pieces) {
      for (const piece of pieces) {
        const index = typeof piece.index === 'number' ? piece.index : last
        last = index
        const block = blocks.get(index)
        if (!block) {
          blocks.set(index, { ...piece })
          continue
        }
        for (const [field, value] of Object.entries(piece)) {
          if (value === undefined || value === null) continue
          const known = block[field]
          block[field] =
            (pieced as readonly string[]).includes(field) &&
            typeof known === 'string' &&
            typeof value === 'string'
              ? known + value
              : value
        }
      }
    },
    details() {
      if (blocks.size === 0) return undefined
      return [...blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block)
    },
  }
}
