import type { AI } from '@aimux/ai-core'
import { Hono } from 'hono'
import type { GatewayEnv } from '../http/gateway-env.js'
import { errorResponse, gatewayError } from '../http/openai-error.js'
import { toGatewayError } from '../http/to-gateway-error.js'
import { servedModels } from '../models/served-models.js'

/** `GET /v1/models` and `GET /v1/models/{model}`, in OpenAI's shapes, as the caller may see them. */
export function modelsRoutes(ai: AI): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  app.get('/', async (c) => {
    try {
      return c.json({ object: 'list', data: await servedModels(ai, c.get('caller')) })
    } catch (error) {
      return errorResponse(toGatewayError(error))
    }
  })
  // Model ids hold colons and, for some providers, slashes ('openrouter:meta-llama/llama-3').
  app.get('/:model{.+}', async (c) => {
    const id = c.req.param('model')
    try {
      const found = (await servedModels(ai, c.get('caller'))).find((entry) => entry.id === id)
      if (found) return c.json(found)
      const message = `The model '${id}' does not exist or is not served to this key.`
      return errorResponse(gatewayError(404, { message, param: 'model', code: 'model_not_found' }))
    } catch (error) {
      return errorResponse(toGatewayError(error))
    }
  })
  return app
}
