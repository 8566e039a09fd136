import { ClosedError } from '@aimux/ai-core'
import { redactSecrets } from '@aimux/ai-core/provider-kit'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js'
import { type Tool as McpTool, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { listPages } from './list-pages.js'
import { isConnectionFailure, isSessionLost, mcpFailure } from './mcp-errors.js'
import { type OpenClient, openClient, type TransportKind } from './open-client.js'
import { isStdio, type McpServerConfig, secretsOf } from './server-config.js'
import { untilAborted } from './until-aborted.js'

/** One server as `ai.mcp.servers()` reports it. */
export interface McpServerStatus {
  name: string
  /** The transport in use; before the first connection, 'stdio' or 'http'. */
  transport: TransportKind | 'http'
  connected: boolean
  /** The child process of a connected stdio server. */
  pid?: number
  /** How many times the server was started again (or reconnected) after it went away. */
  restarts: number
}

/** Emitted as `mcp:server` when a server connects or goes away. */
export interface McpServerEvent {
  server: string
  state: 'connected' | 'disconnected'
  transport: TransportKind
  pid?: number
  /** Why it went away: closed by `ai.close()`, its process exited, or its connection was lost. */
  reason?: 'closed' | 'exited' | 'lost'
}

export interface ConnectionOptions {
  name: string
  config: McpServerConfig
  timeoutMs: number
  connectTimeoutMs: number
  onEvent: (event: McpServerEvent) => void
}

/** Per-request options: the caller's signal and a timeout of its own. */
export interface RequestSettings {
  signal?: AbortSignal
  timeoutMs?: number
}

/** One server's lifecycle: started on first use, started again after it went away, closed once. */
export interface McpConnection {
  readonly name: string
  status(): McpServerStatus
  /** The connected SDK client, starting (or restarting) the server when needed. */
  client(): Promise<Client>
  /**
   * The server's tools, listed once per connection and again after it says the list changed. The
   * caller's signal stops its own wait; a start or a listing others share goes on.
   */
  tools(settings?: RequestSettings): Promise<McpTool[]>
  /** Runs one request with the timeout and the error mapping; a lost connection is dropped for the next use. */
  request<T>(
    action: string,
    run: (client: Client, options: RequestOptions) => Promise<T>,
    settings?: RequestSettings,
  ): Promise<T>
  /** Masks the secrets of the server's configuration in a text. */
  redact(text: string): string
  /** Stops a start in progress, closes the client and waits until a stdio server's process is gone. */
  close(): Promise<void>
}

interface Live extends OpenClient {
  tools?: Promise<McpTool[]>
}

/** How much of a stdio server's stderr is kept for error messages. */
const STDERR_TAIL = 1000

export function createMcpConnection(options: ConnectionOptions): McpConnection {
  const { name, config } = options
  const secrets = secretsOf(config)
  let live: Live | undefined
  let starting: Promise<Live> | undefined
  let starts = 0
  let closed = false
  /** Aborted by close(), to stop a start in progress. */
  const closing = new AbortController()
  let stderr = ''

  const failure = (error: unknown, action: string, settings: RequestSettings = {}) =>
    mcpFailure(error, {
      server: name,
      action,
      secrets,
      timeoutMs: settings.timeoutMs ?? options.timeoutMs,
      ...(settings.signal ? { signal: settings.signal } : {}),
      ...(stderr ? { stderr: stderr.trim() } : {}),
    })

  /** Forgets a connection that went away; `reason` says why. */
  const drop = (gone: Live, reason: NonNullable<McpServerEvent['reason']> = lost(gone)) => {
    if (live !== gone) return
    live = undefined
    options.onEvent({ server: name, state: 'disconnected', transport: gone.kind, ...pidOf(gone), reason })
  }

  async function start(): Promise<Live> {
    stderr = ''
    let opened: OpenClient
    try {
      opened = await openClient(config, {
        timeoutMs: options.connectTimeoutMs,
        signal: closing.signal,
        onStderr: (chunk) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)
        },
      })
    } catch (error) {
      throw failure(error, 'starting', { timeoutMs: options.connectTimeoutMs })
    }
    const current: Live = opened
    starts++
    current.client.onclose = () => drop(current)
    current.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      delete current.tools
    })
    if (closed) {
      await shut(current)
      throw new ClosedError(`MCP server '${name}' was closed while it started.`)
    }
    live = current
    options.onEvent({ server: name, state: 'connected', transport: current.kind, ...pidOf(current) })
    return current
  }

  /** The live connection, starting the server when needed; the caller's signal stops only its own wait. */
  async function connect(settings: RequestSettings = {}): Promise<Live> {
    if (closed) throw new ClosedError(`MCP server '${name}' is closed.`)
    if (live) return live
    starting ??= start().finally(() => {
      starting = undefined
    })
    try {
      return await untilAborted(starting, settings.signal)
    } catch (error) {
      throw failure(error, 'starting', settings)
    }
  }

  async function request<T>(
    action: string,
    run: (client: Client, options: RequestOptions) => Promise<T>,
    settings: RequestSettings = {},
  ): Promise<T> {
    const requestOptions: RequestOptions = { timeout: settings.timeoutMs ?? options.timeoutMs }
    if (settings.signal) requestOptions.signal = settings.signal
    for (let attempt = 1; ; attempt++) {
      const current = await connect(settings)
      try {
        return await run(current.client, requestOptions)
      } catch (error) {
        if (!isConnectionFailure(error)) throw failure(error, action, settings)
        drop(current)
        void shut(current)
        // A server that lost the session answers 404: the request never ran, and the protocol
        // says to start a new session, so it is sent once more on one.
        if (!isSessionLost(error) || attempt > 1) throw failure(error, action, settings)
      }
    }
  }

  return {
    name,
    status() {
      const status: McpServerStatus = {
        name,
        transport: live?.kind ?? (isStdio(config) ? 'stdio' : 'http'),
        connected: live !== undefined,
        restarts: Math.max(0, starts - 1),
      }
      if (live?.pid) status.pid = live.pid
      return status
    },
    async client() {
      return (await connect()).client
    },
    async tools(settings = {}) {
      const current = await connect(settings)
      current.tools ??= request('listing tools', (client, requestOptions) =>
        listPages(async (params) => {
          const page = await client.listTools(params, requestOptions)
          return { items: page.tools, nextCursor: page.nextCursor }
        }),
      )
      const listing = current.tools
      listing.catch(() => {
        if (current.tools === listing) delete current.tools
      })
      try {
        return await untilAborted(listing, settings.signal)
      } catch (error) {
        throw failure(error, 'listing tools', settings)
      }
    },
    request,
    redact: (text) => redactSecrets(text, secrets),
    async close() {
      closed = true
      closing.abort(new ClosedError(`MCP server '${name}' was closed while it started.`))
      await starting?.catch(() => {})
      const current = live
      if (!current) return
      drop(current, 'closed')
      await shut(current)
    },
  }
}

/** Why a connection that was not closed on purpose went away. */
function lost(open: OpenClient): 'exited' | 'lost' {
  return open.kind === 'stdio' ? 'exited' : 'lost'
}

function pidOf(open: OpenClient): { pid?: number } {
  return open.pid ? { pid: open.pid } : {}
}

/**
 * Closes a client. The SDK ends a stdio server's stdin, then sends SIGTERM and SIGKILL to a
 * process that stays; this also waits until the process is really gone, so none outlives close().
 */
async function shut(open: OpenClient): Promise<void> {
  await open.client.close().catch(() => {})
  if (!open.pid) return
  for (let waited = 0; alive(open.pid); waited += 20) {
    if (waited >= 2000) {
      kill(open.pid)
      if (waited >= 4000) return
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function kill(pid: number) {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {}
}
