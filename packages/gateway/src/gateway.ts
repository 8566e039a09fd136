import { validateOptions } from '@aimux/ai-core/provider-kit'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { adminTokenCheck } from './auth/admin-token.js'
import { authenticate } from './auth/authenticate.js'
import { requireAdmin } from './auth/require-admin.js'
import { dashboardRoutes } from './dashboard/dashboard-routes.js'
import { type GatewayOptions, gatewayOptionsSchema } from './gateway-options.js'
import { followClient } from './http/follow-client.js'
import type { GatewayEnv } from './http/gateway-env.js'
import { errorResponse, gatewayError } from './http/openai-error.js'
import { internalError } from './http/to-gateway-error.js'
import { createKeyCache } from './keys/key-cache.js'
import { type GatewayServer, type ListenOptions, listen } from './listen.js'
import { adminKeysRoutes } from './routes/admin-keys.js'
import { chatCompletionsRoute } from './routes/chat-completions.js'
import { embeddingsRoute } from './routes/embeddings.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoute } from './routes/metrics-route.js'
import { modelsRoutes } from './routes/models.js'

export interface Gateway {
  /** The Hono app: mount it in another app, or serve it with any Hono adapter. */
  app: Hono<GatewayEnv>
  /** Serves the app on Node's HTTP server. */
  listen(options?: ListenOptions): Promise<GatewayServer>
}

/**
 * An OpenAI-compatible HTTP server in front of an aimux instance: `/v1/chat/completions`, `/v1/embeddings` and
 * `/v1/models` for virtual keys (`sk-aimux-...`), the admin API for those keys under `/admin/keys`,
 * `/healthz` and `/readyz`, and `/metrics` when given `metrics`. Wrong options are a ConfigError
 * naming the field.
 *
 * @example
 * const ai = await createAI({ plugins: [openai(), sqliteStore({ path: 'aimux.db' })] })
 * const gateway = createGateway({ ai, adminToken: process.env.AIMUX_ADMIN_TOKEN, metrics: createMetrics(ai) })
 * const { url } = await gateway.listen({ port: 8787 })
 */
export function createGateway(input: GatewayOptions): Gateway {
  const options = validateOptions(
    gatewayOptionsSchema,
    { ...input, adminToken: input.adminToken ?? (process.env.AIMUX_ADMIN_TOKEN || undefined) },
    'gateway',
  )
  const { ai } = options
  const isAdmin = options.adminToken === undefined ? undefined : adminTokenCheck(options.adminToken)
  const keys = createKeyCache({
    ttlMs: options.keyCacheMs,
    load: (hash) => ai.store.virtualKeys.findByHash(hash),
  })
  const tooLarge = () =>
    errorResponse(
      gatewayError(413, {
        message: `The request body is larger than this gateway accepts (${options.bodyLimitBytes} bytes).`,
        code: 'request_too_large',
      }),
    )
  const limitBody = bodyLimit({ maxSize: options.bodyLimitBytes, onError: tooLarge })

  const app = new Hono<GatewayEnv>()
  app.use(followClient())
  app.route('/', healthRoutes(ai))

  // ==== Routes of other modules (metrics, dashboard) are mounted here. ====
  if (options.metrics) app.get('/metrics', metricsRoute(options.metrics, options.metricsToken))
  app.route('/dashboard', dashboardRoutes({ ai, isAdmin, keys }))

  app.use('/admin/*', requireAdmin(isAdmin), limitBody)
  app.route('/admin/keys', adminKeysRoutes(ai, keys))

  app.use('/v1/*', authenticate({ isAdmin, keys }), limitBody)
  app.post('/v1/chat/completions', chatCompletionsRoute({ ai, requestTimeoutMs: options.requestTimeoutMs }))
  app.post('/v1/embeddings', embeddingsRoute({ ai, requestTimeoutMs: options.requestTimeoutMs }))
  app.route('/v1/models', modelsRoutes(ai))

  app.notFound((c) =>
    errorResponse(
      gatewayError(404, {
        message: `Unknown request URL: ${c.req.method} ${c.req.path}.`,
        code: 'unknown_url',
      }),
    ),
  )
  app.onError(() => errorResponse(internalError()))

  return { app, listen: (listenOptions) => listen(app as unknown as Hono, listenOptions) }
}
