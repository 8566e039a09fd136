import { randomUUID } from 'node:crypto'
import { type AI, type EmbedRequest, formatUsd } from '@aimux/ai-core'
import type { Handler } from 'hono'
import { embeddingsRequestSchema, toAimuxEmbedRequest } from '../embeddings/embeddings-request.js'
import { embeddingsResponse } from '../embeddings/embeddings-response.js'
import type { GatewayEnv } from '../http/gateway-env.js'
import { invalidRequest } from '../http/invalid-request.js'
import { errorResponse, gatewayError } from '../http/openai-error.js'
import { toGatewayError } from '../http/to-gateway-error.js'
import { isKnownModel, keyAllowsModel } from '../models/model-access.js'

/**
 * `POST /v1/embeddings`: the OpenAI request checked and run through `ai.embed()` (a virtual key's
 * models, budgets and limits apply as for chat; large inputs split by the provider's batch size),
 * answered in OpenAI's shape as floats or base64. Every answer carries `x-aimux-request-id`; a
 * complete one also its cost, provider and model.
 */
export function embeddingsRoute(deps: { ai: AI; requestTimeoutMs: number | undefined }): Handler<GatewayEnv> {
  const { ai } = deps
  return async (c) => {
    const requestId = randomUUID()
    const headers = { 'x-aimux-request-id': requestId }
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
    const parsed = embeddingsRequestSchema.safeParse(json)
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
    const request: EmbedRequest = toAimuxEmbedRequest(body, {
      caller,
      requestId,
      signal: c.get('abort').signal,
      timeoutMs: deps.requestTimeoutMs,
    })
    try {
      const result = await ai.embed(request)
      return c.json(embeddingsResponse(result, body.model, body.encoding_format ?? 'float'), 200, {
        ...headers,
        'x-aimux-cost-usd': formatUsd(result.cost.nanoUsd).replace('$', ''),
        'x-aimux-provider': result.provider,
        'x-aimux-model': result.model,
      })
    } catch (error) {
      return errorResponse(toGatewayError(error), headers)
    }
  }
}
