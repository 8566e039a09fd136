import { randomUUID } from 'node:crypto'
import { type AI, type EmbedRequest, formatUsd } from '@aimux/ai-core'
import type { Handler } from 'hono'
import { embeddingsRequestSchema, toAimuxEmbedRequest } from '../embeddings/embeddings-request.js'
import { embeddingsResponse } from '../embeddings/embeddings-response.js'
import type { GatewayEnv } from '../http/gateway-env.js'
import { errorResponse } from '../http/openai-error.js'
import { readModelRequest } from '../http/read-model-request.js'
import { toGatewayError } from '../http/to-gateway-error.js'

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
    const body = await readModelRequest(c, ai, embeddingsRequestSchema, headers)
    if (body instanceof Response) return body
    const caller = c.get('caller')
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
