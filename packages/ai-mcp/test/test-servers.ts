import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { z } from 'zod'

/** The entry files of the MCP servers from npm the tests start over stdio (with `process.execPath`). */
const entry = (name: string) =>
  fileURLToPath(new URL(`../node_modules/@modelcontextprotocol/${name}/dist/index.js`, import.meta.url))
export const everythingServer = entry('server-everything')
export const filesystemServer = entry('server-filesystem')
export const thinkingServer = entry('server-sequential-thinking')

/** An in-repo MCP server over HTTP, with what it was asked. */
export interface TestHttpServer {
  /** The MCP endpoint: http://127.0.0.1:PORT/mcp (Streamable HTTP) or /sse (the older transport). */
  url: string
  port: number
  /** Tool calls the server ran, by tool name. */
  calls: string[]
  /** The authorization header of each HTTP request. */
  authorizations: (string | undefined)[]
  /** Adds a tool to every session's server, which tells its client that the list changed. */
  addTool(name: string): void
  /** Forgets every session, as a restarted server would: their next request is a 404. */
  forgetSessions(): void
  close(): Promise<void>
}

/**
 * Tools: `add` {a, b}; `fail`, which reports isError; `whoami`, which fails quoting the
 * authorization header it got; `slow` {ms}. A resource `note://hello` and a prompt `greet` {name}.
 */
function testMcpServer(calls: string[], authorization: () => string | undefined): McpServer {
  const server = new McpServer({ name: 'aimux-test', version: '1.0.0' })
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => {
      calls.push('add')
      return { content: [{ type: 'text', text: String(a + b) }] }
    },
  )
  server.registerTool('fail', { description: 'Always fails' }, async () => {
    calls.push('fail')
    return { content: [{ type: 'text', text: 'the widget is broken' }], isError: true }
  })
  server.registerTool('whoami', { description: 'Says who is calling' }, async () => {
    calls.push('whoami')
    return { content: [{ type: 'text', text: `caller ${authorization()} is not allowed` }], isError: true }
  })
  server.registerTool('slow', { inputSchema: { ms: z.number() } }, async ({ ms }) => {
    calls.push('slow')
    await new Promise((resolve) => setTimeout(resolve, ms))
    return { content: [{ type: 'text', text: 'done' }] }
  })
  server.registerResource('hello', 'note://hello', { mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Hello from a resource' }],
  }))
  server.registerPrompt('greet', { argsSchema: { name: z.string() } }, ({ name }) => ({
    messages: [
      { role: 'user', content: { type: 'text', text: `Greet ${name} warmly.` } },
      { role: 'assistant', content: { type: 'text', text: `Hello, ${name}!` } },
    ],
  }))
  return server
}

/**
 * Starts the test MCP server on 127.0.0.1: over Streamable HTTP with sessions (an unknown session
 * is a 404, as after a restart), or with `transport: 'sse'` over the older HTTP+SSE transport only
 * (a POST to its endpoint is a 405). `port` restarts it on the port of a server that was closed.
 */
export async function startTestHttpServer(
  options: { transport?: 'streamable-http' | 'sse'; port?: number } = {},
): Promise<TestHttpServer> {
  const calls: string[] = []
  const authorizations: (string | undefined)[] = []
  const sessions = new Map<string, Transport>()
  const servers: McpServer[] = []
  const newServer = () => {
    const server = testMcpServer(calls, authorization)
    servers.push(server)
    return server
  }
  let current: IncomingMessage | undefined
  const authorization = () => current?.headers.authorization

  async function streamable(req: IncomingMessage, res: ServerResponse) {
    const id = req.headers['mcp-session-id']
    if (typeof id === 'string') {
      const session = sessions.get(id) as StreamableHTTPServerTransport | undefined
      if (session) return session.handleRequest(req, res)
      res.writeHead(404, { 'content-type': 'application/json' })
      return res.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
      )
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport)
      },
    })
    await newServer().connect(transport)
    return transport.handleRequest(req, res)
  }

  async function sse(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res)
      sessions.set(transport.sessionId, transport)
      return newServer().connect(transport)
    }
    const session = sessions.get(url.searchParams.get('sessionId') ?? '') as SSEServerTransport | undefined
    if (req.method === 'POST' && url.pathname === '/messages' && session)
      return session.handlePostMessage(req, res)
    res.writeHead(req.url === '/sse' ? 405 : 404).end()
  }

  const server: Server = createServer((req, res) => {
    current = req
    authorizations.push(req.headers.authorization)
    const handle = options.transport === 'sse' ? sse : streamable
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/${options.transport === 'sse' ? 'sse' : 'mcp'}`,
    port,
    calls,
    authorizations,
    addTool(name) {
      for (const server of servers) server.registerTool(name, {}, async () => ({ content: [] }))
    },
    forgetSessions: () => sessions.clear(),
    async close() {
      await Promise.all([...sessions.values()].map((session) => session.close().catch(() => {})))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
