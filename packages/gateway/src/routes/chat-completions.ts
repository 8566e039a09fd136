import { randomUUID } from 'node:crypto'
import { type AI, type ChatRequest, formatUsd } from '@aimux/ai-core'
import type { Handler } from 'hono'
import { chatCompletion, completionId } from '../chat/chat-completion.js'
import { chatCompletionRequestSchema } from '../chat/chat-completion-request.js'
import { streamCompletion } from '../chat/stream-completion.js'
import { toAimuxRequest } from '../chat/to-aimux-request.js'
import type { GatewayEnv } from '../http/gateway-env.js'
import { invalidRequest } from '../http/invalid-request.js'
import { errorResponse, gatewayError } from '../http/openai-error.js'
import { toGatewayError } from '../http/to-gateway-error.js'
import { isKnownModel, keyAllowsModel } from '../models/model-access.js'

/**
 * `POST /v1/chat/completions`: the OpenAI request checked and translated, run through aimux
 * (budgets, rate limits, fallbacks, cost), and answered in OpenAI's shape, streamed or not. Every
 * answer carries `x-aimux-request-id`; a complete one also its cost, provider and model.
 */
export function chatCompletionsRoute(deps: {
  ai: AI
  requestTimeoutMs: number | undefined
}): Handler<GatewayEnv> {
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
    const parsed = chatCompletionRequestSchema.safeParse(json)
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

    let request: ChatRequest
    try {
      request = toAimuxRequest(body, {
        caller,
        requestId,
        signal: c.get('abort').signal,
        timeoutMs: deps.requestTimeoutMs,
      })
    } catch (error) {
      return errorResponse(toGatewayError(error), headers)
    }
    const created = Math.floor(Date.now() / 1000)

    if (body.stream) {
      return streamCompletion(c, ai, request, {
        id: completionId(requestId),
        created,
        model: body.model,
        includeUsage: body.stream_options?.include_usage === true,
        headers,
      })
    }
    try {
      const result = await ai.chat(request)
      return c.json(chatCompletion(result, body.model, created), 200, {
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
