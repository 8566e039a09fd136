import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the proxy does to the answer of the server behind it. Every fault needs only HTTP and the
 * stream's framing (SSE when the content type says so, else one JSON value a line), never the
 * provider's wire protocol. `{key}` in a body stands for the key the request carried, echoed back
 * as a careless upstream would.
 */
export type ProxyFault =
  /** The answer's status and headers, with this body instead of its own. */
  | { type: 'replace-body'; body: string; contentType: string }
  /**
   * The first stream frame that holds `in` with its data replaced by `line`, which no parser can
   * read: the SSE event keeps its `event:` line and gets `data: <line>`; an NDJSON line is replaced.
   */
  | { type: 'garbage-line'; in: string; line: string }
  /**
   * The head and the body up to the end of the first frame that holds `after`, then: the
   * connection reset ('reset'); nothing more, the connection held open ('stall'); or half of the
   * next frame and a clean end of the body ('truncate').
   */
  | { type: 'cut'; after: string; and: 'reset' | 'stall' | 'truncate' }

export interface FaultProxy {
  /** http://127.0.0.1:PORT, without a trailing slash; paths are forwarded as they are. */
  url: string
  /** Requests the proxy received. */
  readonly requests: number
  /** Stops listening and closes every open connection, stalled ones included. */
  close(): Promise<void>
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards each request to `target` and answers with the
 * target's answer after applying `fault` to it: a fault no fake server speaks, for any provider.
 * Error answers (status 400 and over) pass through untouched.
 *
 * @example
 * const proxy = await createFaultProxy(server.url, { type: 'cut', after: 'Alpha', and: 'stall' })
 */
export async function createFaultProxy(target: string, fault: ProxyFault): Promise<FaultProxy> {
  let requests = 0
  const server = createServer((req, res) => {
    requests += 1
    forward(target, req)
      .then((upstream) => answer(res, upstream, fault, keyOf(req.headers)))
      .catch(() => res.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

/** A URL on 127.0.0.1 where nothing listens: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

interface Upstream {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** Sends the request on to the target and reads its whole answer. */
async function forward(target: string, req: IncomingMessage): Promise<Upstream> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const url = new URL(req.url ?? '/', target)
  const headers = { ...req.headers, host: url.host }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: req.method, headers }, (incoming) => {
      const body: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => body.push(chunk))
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: Buffer.concat(body) }),
      )
      incoming.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(Buffer.concat(chunks))
  })
}

function answer(res: ServerResponse, upstream: Upstream, fault: ProxyFault, key: string | undefined) {
  const echo = (text: string) => text.replaceAll('{key}', key ?? '')
  const headers: OutgoingHttpHeaders = { ...upstream.headers }
  delete headers['content-length']
  delete headers['transfer-encoding']
  delete headers.connection
  if (upstream.status >= 400) {
    res.writeHead(upstream.status, { ...headers, 'content-length': upstream.body.length })
    return void res.end(upstream.body)
  }
  if (fault.type === 'replace-body') {
    const body = Buffer.from(echo(fault.body))
    res.writeHead(upstream.status, {
      ...headers,
      'content-type': fault.contentType,
      'content-length': body.length,
    })
    return void res.end(body)
  }
  const text = upstream.body.toString('utf8')
  const sse = String(upstream.headers['content-type'] ?? '').includes('event-stream')
  res.writeHead(upstream.status, headers)
  res.flushHeaders()
  if (fault.type === 'garbage-line') {
    const at = text.indexOf(fault.in)
    if (at < 0) return void res.end(text)
    const start = frameStart(text, at, sse)
    const end = frameEnd(text, at, sse)
    return void res.end(
      `${text.slice(0, start)}${garbled(text.slice(start, end), echo(fault.line), sse)}${text.slice(end)}`,
    )
  }
  const markerAt = text.indexOf(fault.after)
  const cut = markerAt < 0 ? text.length : frameEnd(text, markerAt, sse)
  res.write(text.slice(0, cut), () => {
    if (fault.and === 'reset') res.destroy()
    else if (fault.and === 'truncate') {
      const next = text.slice(cut, frameEnd(text, cut, sse))
      res.end(next.slice(0, Math.ceil(next.length / 2)))
    }
    // 'stall': nothing more is written; the connection stays open until the client or close() ends it.
  })
}

/** Where the frame holding the character at `at` starts: after the previous blank line or newline. */
function frameStart(text: string, at: number, sse: boolean): number {
  const separators = sse ? ['\n\n', '\r\n\r\n'] : ['\n']
  return Math.max(
    0,
    ...separators.map((separator) => {
      const found = text.lastIndexOf(separator, at)
      return found < 0 ? 0 : found + separator.length
    }),
  )
}

/** A frame with its data replaced by `line`: an SSE event keeps its other fields. */
function garbled(frame: string, line: string, sse: boolean): string {
  if (!sse) return `${line}\n`
  const eol = frame.includes('\r\n') ? '\r\n' : '\n'
  const fields = frame.split(eol).filter((field) => field !== '' && !field.startsWith('data:'))
  return `${[...fields, `data: ${line}`].join(eol)}${eol}${eol}`
}

/** Where the frame holding the character at `from` ends: after its blank line (SSE) or its newline. */
function frameEnd(text: string, from: number, sse: boolean): number {
  const separators = sse ? ['\n\n', '\r\n\r\n'] : ['\n']
  const ends = separators
    .map((separator) => {
      const at = text.indexOf(separator, from)
      return at < 0 ? Number.POSITIVE_INFINITY : at + separator.length
    })
    .filter(Number.isFinite)
  return ends.length > 0 ? Math.min(...ends) : text.length
}

/** The key a request carried, wherever providers read one from. */
function keyOf(headers: IncomingHttpHeaders): string | undefined {
  const header = (name: string) => {
    const value = headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1]
  return bearer ?? header('x-api-key') ?? header('x-goog-api-key')
}
