import { emptyUsage, type Usage } from '../cost/usage.js'
import type { AssistantPart, ProviderMetadata } from './message.js'
import type { FinishReason, ProviderResult, ProviderStreamPart } from './provider.js'
import type { ToolCall } from './tool.js'

/** Results assembled from a stream that ended without its 'usage' part. */
const withoutUsage = new WeakSet<ProviderResult>()

/**
 * True for a result assembled from a stream that never said what it used (no 'usage' part): its
 * usage is all zeros because nothing was reported, not because nothing was spent.
 */
export function usageUnreported(result: ProviderResult): boolean {
  return withoutUsage.has(result)
}

/** Builds a step's result from an adapter's stream parts, as they pass by. */
export interface StreamAssembler {
  add(part: ProviderStreamPart): void
  /** The text that arrived so far. */
  readonly text: string
  /** True once any text, reasoning or tool call arrived. */
  readonly started: boolean
  /** The finish reason, once the 'finish' part arrived. */
  readonly finishReason: FinishReason | undefined
  /** The assembled result; call it after the 'finish' part. */
  result(): ProviderResult
}

export function createStreamAssembler(): StreamAssembler {
  let text = ''
  let reasoning = ''
  let reasoningMetadata: ProviderMetadata | undefined
  const calls: ToolCall[] = []
  let usage: Usage | undefined
  let costNanoUsd: number | undefined
  let finish: Extract<ProviderStreamPart, { type: 'finish' }> | undefined
  return {
    add(part) {
      if (part.type === 'text-delta') text += part.text
      else if (part.type === 'reasoning-delta') {
        reasoning += part.text
        if (part.providerMetadata) reasoningMetadata = part.providerMetadata
      } else if (part.type === 'tool-call') calls.push(part.toolCall)
      else if (part.type === 'usage') {
        usage = part.usage
        costNanoUsd = part.costNanoUsd
      } else finish = part
    },
    get text() {
      return text
    },
    get started() {
      return text !== '' || reasoning !== '' || calls.length > 0
    },
    get finishReason() {
      return finish?.finishReason
    },
    result() {
      const content: AssistantPart[] = []
      // Reasoning without text still counts when it carries metadata to send back (an encrypted
      // or redacted reasoning block).
      if (reasoning || reasoningMetadata) {
        content.push(
          reasoningMetadata
            ? { type: 'reasoning', text: reasoning, providerMetadata: reasoningMetadata }
            : { type: 'reasoning', text: reasoning },
        )
      }
      if (text) content.push({ type: 'text', text })
      for (const call of calls) content.push({ type: 'tool-call', ...call })
      const result: ProviderResult = {
        content,
        finishReason: finish?.finishReason ?? 'other',
        usage: usage ?? emptyUsage(),
      }
      if (!usage) withoutUsage.add(result)
      if (costNanoUsd !== undefined) result.costNanoUsd = costNanoUsd
      if (finish?.model !== undefined) result.model = finish.model
      if (finish?.raw !== undefined) result.raw = finish.raw
      return result
    },
  }
}
