import { type AI, type CreateAIOptions, createAI, type ProviderAdapter } from '@aimux/ai-core'
import { openaiAdapter } from '@aimux/ai-openai'
import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import OpenAI from 'openai'
import { createGateway, type Gateway } from '../gateway.js'
import type { GatewayOptions } from '../gateway-options.js'
import type { GatewayServer } from '../listen.js'

export const UPSTREAM_KEY = 'sk-upstream-fixture-0123456789abcdef'
export const ADMIN_TOKEN = 'admin-token-fixture-0123456789'

export interface GatewayFixture {
  /** The fake OpenAI server the aimux instance calls. */
  upstream: FakeServer
  ai: AI
  gateway: Gateway
  server: GatewayServer
  /** The gateway's /v1 URL, as an OpenAI client's baseURL. */
  baseURL: string
  /** A request to the admin API with the admin token. */
  admin(path: string, init?: { method?: string; body?: unknown }): Promise<Response>
  /** Issues a virtual key through the admin API. */
  issueKey(input?: Record<string, unknown>): Promise<{ id: string; secret: string }>
  /** The official OpenAI SDK against the gateway, without retries. */
  client(apiKey: string): OpenAI
  close(): Promise<void>
}

/**
 * A gateway served on 127.0.0.1 in front of aimux with the OpenAI plugin, which calls a fake
 * OpenAI server; retries are off unless `ai` turns them on, so that a scripted error is answered
 * as it is.
 */
export async function startGatewayFixture(
  options: {
    ai?: Omit<CreateAIOptions, 'plugins'> & { plugins?: CreateAIOptions['plugins'] }
    gateway?: Omit<GatewayOptions, 'ai'>
    echoKey?: boolean
    /** Wraps the OpenAI adapter, to watch what the core asks of it. */
    wrapProvider?: (adapter: ProviderAdapter) => ProviderAdapter
  } = {},
): Promise<GatewayFixture> {
  const upstream = await createFakeServer(openaiChatProtocol(), { echoKey: options.echoKey ?? false })
  const { plugins = [], ...aiOptions } = options.ai ?? {}
  const adapter = openaiAdapter({ apiKey: UPSTREAM_KEY, baseURL: `${upstream.url}/v1` })
  const provider = options.wrapProvider?.(adapter) ?? adapter
  const ai = await createAI({
    plugins: [{ name: 'openai', setup: (host) => host.registerProvider(provider) }, ...plugins],
    retry: false,
    ...aiOptions,
  })
  const gateway = createGateway({ ai, adminToken: ADMIN_TOKEN, ...options.gateway })
  const server = await gateway.listen({ port: 0 })
  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
  return {
    upstream,
    ai,
    gateway,
    server,
    baseURL: `${server.url}/v1`,
    admin,
    async issueKey(input = {}) {
      const response = await admin('/admin/keys', { body: input })
      if (response.status !== 201)
        throw new Error(`issuing a key failed: ${response.status} ${await response.text()}`)
      return (await response.json()) as { id: string; secret: string }
    },
    client: (apiKey) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 }),
    async close() {
      await server.close()
      await ai.close()
      await upstream.close()
    },
  }
}
