import { createRequire } from 'node:module'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { type HttpServerConfig, isStdio, type McpServerConfig } from './server-config.js'
import { untilAborted } from './until-aborted.js'

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

export type TransportKind = 'stdio' | 'streamable-http' | 'sse'

/** A connected, initialized client. */
export interface OpenClient {
  client: Client
  kind: TransportKind
  /** The child process of a stdio server. */
  pid?: number
}

/**
 * Starts a stdio server (its stderr piped to `onStderr`, not to the terminal) or connects to an
 * HTTP server, and runs the MCP handshake. An HTTP server that answers the Streamable HTTP
 * handshake with 400, 404 or 405 is tried again over the older SSE transport, unless the
 * configuration names a transport.
 *
 * The whole of it (the SSE stream's `endpoint` event included, which the SDK waits for without a
 * timeout) has `timeoutMs`, and stops when `signal` aborts: the client is closed and the promise
 * rejects with a DOMException named TimeoutError, or with the signal's reason.
 */
export async function openClient(
  config: McpServerConfig,
  options: { timeoutMs: number; signal: AbortSignal; onStderr: (chunk: Buffer) => void },
): Promise<OpenClient> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
  if (isStdio(config)) {
    const { command, args, env, cwd } = config
    const transport = new StdioClientTransport({ command, args, env, cwd, stderr: 'pipe' })
    transport.stderr?.on('data', options.onStderr)
    const client = await handshake(transport, signal, options.timeoutMs)
    return { client, kind: 'stdio', ...(transport.pid ? { pid: transport.pid } : {}) }
  }
  if (config.transport !== 'sse') {
    const transport = new StreamableHTTPClientTransport(new URL(config.url), http(config))
    try {
      return { client: await handshake(transport, signal, options.timeoutMs), kind: 'streamable-http' }
    } catch (error) {
      const refused = error instanceof StreamableHTTPError && [400, 404, 405].includes(error.code ?? 0)
      if (config.transport === 'streamable-http' || !refused) throw error
    }
  }
  const transport = new SSEClientTransport(new URL(config.url), http(config))
  return { client: await handshake(transport, signal, options.timeoutMs), kind: 'sse' }
}

function http(config: HttpServerConfig) {
  return config.headers ? { requestInit: { headers: config.headers } } : {}
}

/** Connects and initializes; `signal` bounds all of it, the SDK's `timeout` only `initialize`. */
async function handshake(transport: Transport, signal: AbortSignal, timeout: number): Promise<Client> {
  const client = new Client({ name: 'aimux', version })
  try {
    await untilAborted(client.connect(transport, { timeout }), signal)
  } catch (error) {
    await client.close().catch(() => {})
    throw error
  }
  return client
}
