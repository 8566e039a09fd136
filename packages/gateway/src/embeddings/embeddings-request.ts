import type { EmbedRequest } from '@aimux/ai-core'
import { z } from 'zod'
import type { CallSettings } from '../chat/to-aimux-request.js'

/**
 * The OpenAI embeddings request, as the gateway accepts it. Strict, as the chat request is: an
 * unknown field is refused by name. `input` is text (one string or several); token arrays are not
 * accepted, since a provider behind the gateway may tokenize differently. `user` goes into the
 * request metadata. Null means absent.
 */
export const embeddingsRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1, 'must not be empty'),
    z
      .array(
        z.string().min(1, 'must not be empty'),
        'must be a string or an array of strings (token arrays are not supported)',
      )
      .min(1, 'must hold at least one text'),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().nullish(),
})
export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>

/** The request as `ai.embed()` takes it: a virtual key brings its scope and limits, as for chat. */
export function toAimuxEmbedRequest(body: EmbeddingsRequest, settings: CallSettings): EmbedRequest {
  const request: EmbedRequest = {
    model: body.model,
    input: body.input,
    requestId: settings.requestId,
    signal: settings.signal,
  }
  if (body.dimensions != null) request.dimensions = body.dimensions
  if (settings.timeoutMs !== undefined) request.timeout = { totalMs: settings.timeoutMs }
  const metadata: Record<string, unknown> = {}
  if (body.user != null) metadata.user = body.user
  const { caller } = settings
  if (caller.kind === 'key') {
    const { key } = caller
    metadata.virtualKeyId = key.id
    if (Object.keys(key.scope).length > 0) request.scope = key.scope
    const { budgets, requestsPerMinute, tokensPerMinute } = key.limits
    if (budgets?.length || requestsPerMinute !== undefined || tokensPerMinute !== undefined) {
      request.limits = {
        key: key.id,
        ...(budgets?.length ? { budgets } : {}),
        ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }),
        ...(tokensPerMinute === undefined ? {} : { tokensPerMinute }),
      }
    }
  }
  if (Object.keys(metadata).length > 0) request.metadata = metadata
  return request
}
