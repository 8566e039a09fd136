import type { ChatRequest, EmbedRequest } from '@aimux/ai-core'
import type { Caller } from '../auth/caller.js'

/** What the gateway adds to a request besides what the client sent. */
export interface CallSettings {
  caller: Caller
  requestId: string
  signal: AbortSignal
  /** The whole request's time limit, retries and fallbacks included. */
  timeoutMs: number | undefined
}

/** The fields a chat and an embedding request share, which the gateway sets. */
type CallerFields = Pick<
  ChatRequest & EmbedRequest,
  'requestId' | 'signal' | 'timeout' | 'scope' | 'limits' | 'metadata'
>

/**
 * The fields of an aimux request that come from the gateway rather than the client's call: its
 * id, abort signal and time limit, the OpenAI `user` as metadata, and a virtual key's id, scope
 * and limits (budgets and rates counted under the key's id).
 */
export function callerFields(settings: CallSettings, user: string | null | undefined): CallerFields {
  const fields: CallerFields = { requestId: settings.requestId, signal: settings.signal }
  if (settings.timeoutMs !== undefined) fields.timeout = { totalMs: settings.timeoutMs }
  const metadata: Record<string, unknown> = {}
  if (user != null) metadata.user = user
  const { caller } = settings
  if (caller.kind === 'key') {
    const { key } = caller
    metadata.virtualKeyId = key.id
    if (Object.keys(key.scope).length > 0) fields.scope = key.scope
    const { budgets, requestsPerMinute, tokensPerMinute } = key.limits
    if (budgets?.length || requestsPerMinute !== undefined || tokensPerMinute !== undefined) {
      fields.limits = {
        key: key.id,
        ...(budgets?.length ? { budgets } : {}),
        ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
        ...(tokensPerMinute === undefined ? {} : { tokensPerMinute }),
      }
    }
  }
  if (Object.keys(metadata).length > 0) fields.metadata = metadata
  return fields
}
