import { randomUUID } from 'node:crypto'
import { type AI, type ChatRequest, formatUsd } from '@aimux/ai-core'
import type { Handler } from 'hono'
import { chatCompletion, completionId } from '../chat/chat-completion.js'
import { chatCompletionRequestSchema } from '../chat/chat-completion-request.js'
import { streamCompletion } from '../chat/stream-completion.js'
import { toAimuxRequest } from '../chat/to-aimux-request.js'
import type { GatewayEnv } from '../http/gateway-env.js'
import { errorResponse } from '../http/openai-error.js'
import { readModelRequest } from '../http/read-model-request.js'
import { toGatewayError } from '../http/to-gateway-error.js'

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
    const body = await readModelRequest(c, ai, chatCompletionRequestSchema, headers)
    if (body instanceof Response) return body
    const caller = c.get('caller')

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
