import type {
  AssistantPart,
  CallContext,
  FinishReason,
  ProviderResult,
  ToolCall,
  Usage,
} from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'
import type { GenerateContentResponse, GenerateContentResponseUsageMetadata, Part } from '@google/genai'
import { generatedCallId } from './gemini-tool-call-id.js'

/**
 * promptTokenCount includes cached content; candidatesTokenCount leaves thoughts out, so
 * outputTokens is candidates plus thoughts, and reasoningTokens the thoughts.
 */
export function geminiUsage(usage: GenerateContentResponseUsageMetadata | undefined): Usage {
  const thoughts = usage?.thoughtsTokenCount ?? 0
  return normalizeUsage({
    inputTokens: usage?.promptTokenCount ?? 0,
    cachedInputTokens: usage?.cachedContentTokenCount ?? 0,
    outputTokens: (usage?.candidatesTokenCount ?? 0) + thoughts,
    reasoningTokens: thoughts,
  })
}

const filtered = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
])
const failed = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MALFORMED_RESPONSE',
])

/**
 * Gemini ends a turn with function calls as STOP, so tool calls decide 'tool-calls'; safety and
 * other block reasons (of the answer or, in `promptFeedback`, of the prompt) are 'content-filter';
 * CONTINUATION (the answer was cut at a per-request decode limit) is 'length'.
 */
export function geminiFinishReason(
  reason: string | undefined,
  hasToolCalls: boolean,
  promptBlocked: boolean,
): FinishReason {
  if (promptBlocked || (reason !== undefined && filtered.has(reason))) return 'content-filter'
  if (reason === 'MAX_TOKENS' || reason === 'CONTINUATION') return 'length'
  if (reason !== undefined && failed.has(reason)) return 'error'
  if (hasToolCalls) return 'tool-calls'
  if (reason === 'STOP') return 'stop'
  return 'other'
}

/** Numbers the function calls of one answer, across the chunks of a stream. */
export function toolCallIds(ctx: CallContext) {
  let calls = 0
  return (id: string | undefined) => {
    calls += 1
    return id || generatedCallId(ctx, calls - 1)
  }
}

/**
 * One part of an answer: thoughts as reasoning, text, and function calls with their arguments
 * and the thoughtSignature to send back, in `providerMetadata.gemini`.
 */
export function geminiPart(
  part: Part,
  nextId: (id: string | undefined) => string,
): AssistantPart | undefined {
  const metadata = part.thoughtSignature
    ? { providerMetadata: { gemini: { thoughtSignature: part.thoughtSignature } } }
    : {}
  if (part.functionCall) {
    const call: ToolCall = {
      id: nextId(part.functionCall.id),
      name: part.functionCall.name ?? '',
      args: part.functionCall.args ?? {},
    }
    return { type: 'tool-call', ...call, ...metadata }
  }
  if (part.thought && (part.text || part.thoughtSignature)) {
    return { type: 'reasoning', text: part.text ?? '', ...metadata }
  }
  return part.text ? { type: 'text', text: part.text } : undefined
}

/**
 * What keeps a generateContent answer from being read, or undefined when it can be: not a JSON
 * object, or no candidates without a blocked prompt to say why (`{}` is never an empty success).
 */
export function unreadableAnswer(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return 'not a JSON object'
  const { candidates, promptFeedback } = response as GenerateContentResponse
  if (promptFeedback?.blockReason) return undefined
  return Array.isArray(candidates) && candidates.length > 0 ? undefined : 'no candidates'
}

export function geminiContent(response: GenerateContentResponse, ctx: CallContext): AssistantPart[] {
  const nextId = toolCallIds(ctx)
  const parts = response.candidates?.[0]?.content?.parts ?? []
  return parts.flatMap((part) => geminiPart(part, nextId) ?? [])
}

/** A response as a chat call's result: what `generate()` answers, and a batch job for each request. */
export function geminiResult(response: GenerateContentResponse, ctx: CallContext): ProviderResult {
  const content = geminiContent(response, ctx)
  return {
    content,
    finishReason: geminiFinishReason(
      response.candidates?.[0]?.finishReason,
      content.some((part) => part.type === 'tool-call'),
      Boolean(response.promptFeedback?.blockReason),
    ),
    usage: geminiUsage(response.usageMetadata),
    ...(response.modelVersion ? { model: response.modelVersion } : {}),
    raw: response,
  }
}
