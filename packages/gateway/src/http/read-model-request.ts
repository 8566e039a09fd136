import type { AI } from '@aimux/ai-core'
import type { Context } from 'hono'
import type { z } from 'zod'
import { isKnownModel, keyAllowsModel } from '../models/model-access.js'
import type { GatewayEnv } from './gateway-env.js'
import { invalidRequest } from './invalid-request.js'
import { errorResponse, gatewayError } from './openai-error.js'

/**
 * The body of a /v1 request that names a model, as every such route reads it: JSON, checked with
 * `schema`, naming a model this gateway serves and the caller's key may use. The body, or the
 * OpenAI-shaped error to answer with (400, 404 model_not_found, 403 model_not_allowed).
 */
export async function readModelRequest<T extends { model: string }>(
  c: Context<GatewayEnv>,
  ai: AI,
  schema: z.ZodType<T>,
  headers: Record<string, string>,
): Promise<T | Response> {
  let json: unknown
  try {
    json = JSON.parse(await c.req.text())
  } catch {
    const error = gatewayError(400, {
      message: 'We could not parse the JSON body of your request: send a JSON object.',
      code: 'invalid_json',
    })
    return errorResponse(error, headers)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) return errorResponse(invalidRequest(parsed.error), headers)
  const body = parsed.data
  const caller = c.get('caller')
  if (!isKnownModel(ai, body.model)) {
    const message = `The model '${body.model}' does not exist or is not served by this gateway.`
    return errorResponse(gatewayError(404, { message, param: 'model', code: 'model_not_found' }), headers)
  }
  if (caller.kind === 'key' && !keyAllowsModel(caller.key.models, body.model, ai.models.routes().aliases)) {
    const message = `This API key may not use the model '${body.model}'.`
    return errorResponse(gatewayError(403, { message, param: 'model', code: 'model_not_allowed' }), headers)
  }
  return body
}
