import type { AI } from '@aimux/ai-core'
import { Hono } from 'hono'
import { invalidRequest } from '../http/invalid-request.js'
import { errorResponse, gatewayError } from '../http/openai-error.js'
import { toGatewayError } from '../http/to-gateway-error.js'
import { issueVirtualKey } from '../keys/issue-key.js'
import { issueKeyInputSchema } from '../keys/issue-key-input.js'
import type { KeyCache } from '../keys/key-cache.js'
import { publicKey } from '../keys/public-key.js'

const notFound = (id: string) =>
  errorResponse(gatewayError(404, { message: `No virtual key '${id}'.`, param: 'id', code: 'key_not_found' }))

/**
 * The admin API for virtual keys (behind `requireAdmin`): issue (the secret is in this answer
 * only), list and show (never the hash), and revoke. A revocation is seen at once by this
 * instance and within `keyCacheMs` by every other one.
 */
export function adminKeysRoutes(ai: AI, cache: KeyCache): Hono {
  const keys = () => ai.store.virtualKeys
  const app = new Hono()
  app.onError((error) => errorResponse(toGatewayError(error)))

  app.post('/', async (c) => {
    let input: unknown
    try {
      input = JSON.parse((await c.req.text()) || '{}')
    } catch {
      return errorResponse(
        gatewayError(400, { message: 'The body is not valid JSON.', code: 'invalid_json' }),
      )
    }
    const parsed = issueKeyInputSchema.safeParse(input)
    if (!parsed.success) return errorResponse(invalidRequest(parsed.error))
    const { key, secret } = await issueVirtualKey(keys(), parsed.data)
    return c.json({ ...publicKey(key), secret }, 201)
  })

  app.get('/', async (c) => {
    const includeRevoked = c.req.query('includeRevoked') === 'true'
    const list = await keys().list({ includeRevoked })
    return c.json({ object: 'list', data: list.map(publicKey) })
  })

  app.get('/:id', async (c) => {
    const key = await keys().get(c.req.param('id'))
    return key ? c.json(publicKey(key)) : notFound(c.req.param('id'))
  })

  app.delete('/:id', async (c) => {
    const id = c.req.param('id')
    const key = await keys().get(id)
    if (!key) return notFound(id)
    if (!(await keys().revoke(id, new Date()))) {
      const message = `The virtual key '${id}' is already revoked.`
      return errorResponse(gatewayError(404, { message, param: 'id', code: 'key_not_found' }))
    }
    cache.delete(key.hash)
    return c.body(null, 204)
  })
  return app
}
