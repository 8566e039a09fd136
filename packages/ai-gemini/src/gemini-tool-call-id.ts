import type { CallContext } from '@aimux/ai-core'

const prefix = 'gemini-call-'

/**
 * An id for a function call Gemini sent without one: stable for the call (the request, its tool
 * step and the call's position) and unique within the conversation. Ids made here are never sent
 * back to Gemini, which matches such calls by name and order.
 */
export function generatedCallId(ctx: CallContext, index: number): string {
  return `${prefix}${ctx.requestId}-${ctx.step}-${index + 1}`
}

export function isGeneratedCallId(id: string): boolean {
  return id.startsWith(prefix)
}
