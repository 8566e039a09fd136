import type { AddressInfo, Socket } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'

export interface ListenOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number
  /** Default '127.0.0.1'; '0.0.0.0' (or '::') to accept connections from other machines. */
  host?: string
}

export interface GatewayServer {
  /** http://host:port, without a trailing slash. */
  url: string
  port: number
  /**
   * Stops accepting connections, closes idle ones and resolves once the requests in flight have
   * been answered. The aimux instance stays open: the application closes it.
   */
  close(): Promise<void>
}

/** Serves a Hono app on Node's HTTP server; resolves once it listens. */
export async function listen(app: Hono, options: ListenOptions = {}): Promise<GatewayServer> {
  const host = options.host ?? '127.0.0.1'
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname: host }, (info) =>
        resolve({ server, port: (info as AddressInfo).port }),
      )
      server.once('error', reject)
    },
  )
  // Connections that have not carried a request yet (a client's pool opens them ahead of need)
  // are not idle to Node, so close() would wait for them to time out: they are closed by hand.
  const unused = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    unused.add(socket)
    socket.once('close', () => unused.delete(socket))
  })
  server.on('request', (request: { socket: Socket }) => unused.delete(request.socket))
  const shown = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  return {
    url: `http://${shown}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        if ('closeIdleConnections' in server) server.closeIdleConnections()
        for (const socket of unused) socket.destroy()
      })
      return closing
    },
  }
}
