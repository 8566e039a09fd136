import { randomUUID } from 'node:crypto'
import type { AuditRecord, Message, RequestHookInput, RequestOutcome, ToolSpec } from '@aimux/ai-core'
import { redactSecrets } from '@aimux/ai-core/provider-kit'
import type { AuditSettings } from './audit-options.js'
import { sha256Hex } from './canonical-json.js'

/** What the audit plugin saw of one request while it ran. */
export interface RequestTrail {
  input: RequestHookInput
  /** The prompt of the request's first model call as sent, after every middleware (a redaction). */
  sent?: { messages: Message[]; tools: ToolSpec[] }
  stream: boolean
  /** The provider and model of the latest model call, or of the 'error' event. */
  served?: { provider?: string; model?: string }
  /** What the request's model calls cost, from their 'cost' events (used when it failed). */
  spent: { costNanoUsd: number; inputTokens: number; outputTokens: number }
  outcome?: RequestOutcome
  endedAt?: Date
}

/**
 * The audit record of an ended request. The prompt hashed (and kept, with content 'full') is
 * `{ messages, tools }` as the first model call sent it; a request that failed before any model
 * call hashes the messages it was made with (`tools: []`) and keeps no prompt content, as
 * nothing was sent. The answer is `{ text, toolCalls }` as the caller received it.
 */
export function auditRecordOf(trail: RequestTrail, settings: AuditSettings): AuditRecord {
  const { input, outcome } = trail
  const result = outcome?.result
  const served = result ? { provider: result.provider, model: result.model } : (trail.served ?? {})
  const requested = input.request.model
  const prompt = trail.sent ?? { messages: [...input.messages], tools: [] }
  const answer = result && { text: result.text, toolCalls: result.toolCalls }
  const record: AuditRecord = {
    id: `aud_${randomUUID()}`,
    createdAt: trail.endedAt ?? new Date(),
    requestId: input.requestId,
    ...input.scope,
    operation: 'chat',
    stream: trail.stream,
    promptSha256: sha256Hex(prompt),
    costNanoUsd: result ? result.cost.nanoUsd : trail.spent.costNanoUsd,
    inputTokens: result ? result.usage.inputTokens : trail.spent.inputTokens,
    outputTokens: result ? result.usage.outputTokens : trail.spent.outputTokens,
    outcome: result ? 'success' : 'error',
  }
  if (input.conversationId !== undefined) record.conversationId = input.conversationId
  const keyId = input.request.limits?.key
  if (keyId !== undefined) record.keyId = keyId
  if (served.provider !== undefined) record.provider = served.provider
  if (served.model !== undefined) record.model = served.model
  if (requested !== undefined && requested !== `${served.provider}:${served.model}`)
    record.requestedModel = requested
  if (answer) record.answerSha256 = sha256Hex(answer)
  if (settings.content === 'full' && (trail.sent || answer))
    record.content = { ...(trail.sent ? { prompt: trail.sent } : {}), ...(answer ? { answer } : {}) }
  const error = outcome?.error
  if (error) {
    record.errorCode = error.code
    record.error = redactSecrets(error.message)
  }
  return record
}
