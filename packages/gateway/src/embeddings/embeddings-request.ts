import type { EmbedRequest } from '@aimux/ai-core'
import { z } from 'zod'
import { type CallSettings, callerFields } from '../http/caller-fields.js'

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
  const request: EmbedRequest = { model: body.model, input: body.input, ...callerFields(settings, body.user) }
  if (body.dimensions != null) request.dimensions = body.dimensions
  return request
}
