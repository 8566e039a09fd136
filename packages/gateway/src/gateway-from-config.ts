import type { AI, Plugin } from '@aimux/ai-core'
import { createAIFromConfig, loadConfig } from '@aimux/config'
import { createGateway } from './gateway.js'
import { createMetrics, type Metrics } from './metrics.js'

export interface StartGatewayOptions {
  /** The config file; default: aimux.config.json, .mjs or .ts, looked for upward from `cwd`. */
  configPath?: string
  /** Where relative paths start and the config file is looked for. Default: process.cwd(). */
  cwd?: string
  /** Where API keys, the admin token and database URLs are read. Default: process.env. */
  env?: NodeJS.ProcessEnv
  /** Wins over the config's `gateway.port`; 0 picks a free port. Default 8787. */
  port?: number
  /** Wins over the config's `gateway.host`. Default 127.0.0.1. */
  host?: string
  /** Plugins added to the ones the config names, e.g. the application's own. */
  plugins?: Plugin[]
  /**
   * Close gracefully on SIGINT and SIGTERM (stop accepting, finish calls in flight, flush usage
   * records, close the store), then exit; a second signal exits at once. Default true.
   */
  handleSignals?: boolean
}

export interface RunningGateway {
  /** http://host:port, without a trailing slash. */
  url: string
  port: number
  /** The config file used, if any. */
  configPath: string | undefined
  ai: AI
  metrics: Metrics
  /** Stops listening, waits for calls in flight, closes the aimux instance. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_PORT = 8787
const DEFAULT_HOST = '127.0.0.1'
const DEFAULT_ADMIN_TOKEN_ENV = 'AIMUX_ADMIN_TOKEN'
/** When set, GET /metrics wants it as a bearer token. */
const METRICS_TOKEN_ENV = 'AIMUX_METRICS_TOKEN'

/**
 * Starts the gateway from a config file, as `aimux-gateway` does: loads it with @aimux/config,
 * builds the aimux instance it describes, serves the OpenAI-compatible API with Prometheus
 * metrics at /metrics, and listens.
 *
 * @example
 * const gateway = await startGateway({ configPath: 'aimux.config.json', port: 8787 })
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env
  const loaded = await loadConfig({
    ...(options.configPath !== undefined ? { path: options.configPath } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  })
  const settings = loaded.config.gateway ?? {}
  const ai = await createAIFromConfig(loaded, { plugins: options.plugins ?? [], env })
  let metrics: Metrics | undefined
  try {
    metrics = createMetrics(ai)
    const adminToken = env[settings.adminTokenEnv ?? DEFAULT_ADMIN_TOKEN_ENV]
    const metricsToken = env[METRICS_TOKEN_ENV]
    const gateway = createGateway({
      ai,
      ...(adminToken ? { adminToken } : {}),
      ...(settings.bodyLimitBytes !== undefined ? { bodyLimitBytes: settings.bodyLimitBytes } : {}),
      ...(settings.keyCacheMs !== undefined ? { keyCacheMs: settings.keyCacheMs } : {}),
      ...(settings.requestTimeoutMs !== undefined ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
      metrics,
      ...(metricsToken ? { metricsToken } : {}),
    })
    const scrape = metrics
    const server = await gateway.listen({
      port: options.port ?? settings.port ?? DEFAULT_PORT,
      host: options.host ?? settings.host ?? DEFAULT_HOST,
    })

    let closing: Promise<void> | undefined
    const close = () => {
      closing ??= (async () => {
        removeSignalHandlers()
        try {
          await server.close()
        } finally {
          scrape.close()
          await ai.close()
        }
      })()
      return closing
    }
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) process.exit(signal === 'SIGINT' ? 130 : 143)
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    const removeSignalHandlers = () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    if (options.handleSignals ?? true) {
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
    }
    return { url: server.url, port: server.port, configPath: loaded.path, ai, metrics: scrape, close }
  } catch (error) {
    metrics?.close()
    await ai.close()
    throw error
  }
}
