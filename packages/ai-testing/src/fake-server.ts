import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createScript,
  isScriptedDrop,
  isScriptedError,
  type ResolvedReply,
  resolveReply,
  type ScriptedError,
  type ScriptedTurn,
} from './scripted-turn.js'

/** A request the fake server received, recorded before it is answered. */
export interface FakeRequest {
  method: string
  /** The path without the query string. */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** Parsed JSON when the body is JSON, else the raw text; undefined when there is none. */
  body: unknown
}

/** One piece of a streamed body. Text frames count for `breakAfterChunks`. */
export interface WireFrame {
  data: string
  text?: boolean
}

/** What a protocol renders; the framework writes it, with the scripted delays and breaks. */
export type WireResponse =
  | { type: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { type: 'stream'; contentType: string; headers?: Record<string, string>; frames: WireFrame[] }

interface RouteMatch {
  method: string
  /** An exact path, or a pattern for paths with parameters. */
  path: string | RegExp
}

/** A model call: takes the next scripted turn and renders its reply. */
export interface ScriptedRoute extends RouteMatch {
  reply(request: FakeRequest, reply: ResolvedReply): WireResponse
}

/** A fixed answer that takes no scripted turn, such as a model list. */
export interface FixedRoute extends RouteMatch {
  answer(request: FakeRequest): WireResponse
}

export type WireRoute = ScriptedRoute | FixedRoute

/** A provider's wire protocol: only how requests are routed and replies and errors rendered. */
export interface WireProtocol {
  name: string
  routes: WireRoute[]
  /** The protocol's error body, for scripted errors, unknown paths (404) and a script run dry (500). */
  errorBody(error: ScriptedError['error'], request: FakeRequest): unknown
}

/**
 * An answer written as it is, whatever the protocol: malformed JSON, an empty or HTML body, `{}`,
 * or an error body in a shape the protocol does not use.
 */
export interface ScriptedRawAnswer {
  raw: {
    /** Default 200. */
    status?: number
    /** Default 'application/json'. */
    contentType?: string
    headers?: Record<string, string>
    body: string
  }
}

/** What a fake server can be scripted to answer: any scripted turn, or a raw answer. */
export type FakeServerTurn = ScriptedTurn | ScriptedRawAnswer

export function isScriptedRawAnswer(turn: FakeServerTurn): turn is ScriptedRawAnswer {
  return 'raw' in turn
}

export interface FakeServerOptions {
  /**
   * Echo the key each request carried (`Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or
   * `?key=`) back, as providers do: in the message of every scripted error ("Incorrect API key
   * provided: <key>." for a 401) and in an `x-echoed-key` header on every answer. For tests that
   * check no key reaches an error, event or log. Default false.
   */
  echoKey?: boolean
}

export interface FakeServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  url: string
  enqueue(...turns: FakeServerTurn[]): void
  readonly requests: readonly FakeRequest[]
  /** Scripted turns not answered yet. */
  readonly pending: number
  /** Stops listening and closes every open connection, streams included. */
  close(): Promise<void>
}

/** One server-sent event; a string `data` ("[DONE]") is sent as it is, anything else as JSON. */
export function sseEvent(data: unknown, options: { event?: string; eol?: '\n' | '\r\n' } = {}): string {
  const eol = options.eol ?? '\n'
  const payload = typeof data === 'string' ? data : JSON.stringify(data)
  const lines = payload.split('\n').map((line) => `data: ${line}`)
  if (options.event) lines.unshift(`event: ${options.event}`)
  return `${lines.join(eol)}${eol}${eol}`
}

/** One line of newline-delimited JSON. */
export function ndjsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`
}

/**
 * Starts a server on 127.0.0.1 and a random port that answers model calls from a script in the
 * given wire protocol: replies (with delays and streams broken mid-way), error statuses with
 * their headers, connections dropped without an answer, and raw bodies the protocol would never
 * send; with `echoKey`, the request's key echoed back in error messages and a header.
 *
 * @example
 * const server = await createFakeServer(openaiChatProtocol())
 * server.enqueue({ text: 'Hi' }, { error: { status: 429, retryAfterMs: 2000 } })
 * const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 })
 */
export async function createFakeServer(
  protocol: WireProtocol,
  options: FakeServerOptions = {},
): Promise<FakeServer> {
  const script = createScript()
  const requests: FakeRequest[] = []

  const sendError = (res: ServerResponse, scripted: ScriptedError['error'], request: FakeRequest) => {
    const key = options.echoKey ? keyOf(request) : undefined
    const error = key === undefined ? scripted : { ...scripted, message: echoed(scripted, key) }
    const headers: Record<string, string> = { ...error.headers }
    const named = Object.keys(headers).map((name) => name.toLowerCase())
    if (error.retryAfterMs !== undefined && !named.includes('retry-after')) {
      headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000))
    }
    return send(res, {
      type: 'json',
      status: error.status,
      headers,
      body: protocol.errorBody(error, request),
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const request = await readRequest(req)
    requests.push(request)
    const key = options.echoKey ? keyOf(request) : undefined
    if (key !== undefined) res.setHeader('x-echoed-key', key)
    const route = protocol.routes.find((candidate) => matches(candidate, request))
    if (!route) {
      return sendError(
        res,
        { status: 404, message: `Unknown path: ${request.method} ${request.path}` },
        request,
      )
    }
    if ('answer' in route) return send(res, route.answer(request))

    const taken = script.take()
    if (!taken) {
      const message = `fake ${protocol.name} server has no scripted reply left for ${request.method} ${request.path}`
      return sendError(res, { status: 500, message }, request)
    }
    const turn: FakeServerTurn = taken.turn
    if (isScriptedRawAnswer(turn)) return sendRaw(res, turn.raw)
    if (isScriptedDrop(turn)) return void req.socket.destroy()
    if (isScriptedError(turn)) return sendError(res, turn.error, request)
    const reply = resolveReply(turn, taken.number)
    if (await wait(reply.delayMs, res)) await send(res, route.reply(request, reply), reply)
  }

  const server = createServer((req, res) => {
    res.socket?.setNoDelay(true)
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return void res.destroy()
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `fake ${protocol.name} server failed: ${String(error)}` } }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get pending() {
      return script.pending
    },
    enqueue(...turns) {
      // The script holds raw answers too; the handler tells them apart.
      script.enqueue(...(turns as ScriptedTurn[]))
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

/** The key a request carried, in any of the places providers read one from. */
function keyOf(request: FakeRequest): string | undefined {
  const header = (name: string) => {
    const value = request.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1]
  return bearer ?? header('x-api-key') ?? header('x-goog-api-key') ?? request.query.key
}

/** A scripted error's message with the key echoed back, as a careless provider writes it. */
function echoed(error: ScriptedError['error'], key: string): string {
  if (error.message) return `${error.message} (key: ${key})`
  if (error.status === 401) return `Incorrect API key provided: ${key}.`
  return `${STATUS_CODES[error.status] ?? 'Error'} (key: ${key})`
}

function sendRaw(res: ServerResponse, raw: ScriptedRawAnswer['raw']) {
  res.writeHead(raw.status ?? 200, {
    'content-type': raw.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(raw.body),
    ...raw.headers,
  })
  res.end(raw.body)
}

function matches(route: WireRoute, request: FakeRequest): boolean {
  if (route.method !== request.method) return false
  return typeof route.path === 'string' ? route.path === request.path : route.path.test(request.path)
}

async function readRequest(req: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: parseBody(text),
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Resolves true after `ms`, or false as soon as the client has gone (or the server closed). */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false)
  if (ms <= 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      res.off('close', onClose)
      resolve(true)
    }, ms)
    res.once('close', onClose)
  })
}

function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    res.write(data, () => resolve())
  })
}

/** How many frames go out before a stream broken after `chunks` text frames is cut. */
function framesBeforeBreak(frames: WireFrame[], chunks: number): number {
  let textFrames = 0
  let afterLastText = 0
  for (const [index, frame] of frames.entries()) {
    if (!frame.text) continue
    if (textFrames === chunks) return index
    textFrames += 1
    afterLastText = index + 1
  }
  return afterLastText
}

async function send(res: ServerResponse, response: WireResponse, reply?: ResolvedReply) {
  const breakAfter = reply?.breakAfterChunks
  if (response.type === 'json') {
    const body = JSON.stringify(response.body)
    res.writeHead(response.status ?? 200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...response.headers,
    })
    if (breakAfter === undefined) return void res.end(body)
    await write(res, body.slice(0, Math.floor(body.length / 2)))
    return void res.destroy()
  }

  res.writeHead(200, {
    'content-type': response.contentType,
    'cache-control': 'no-cache',
    ...response.headers,
  })
  res.flushHeaders()
  const sent =
    breakAfter === undefined ? response.frames.length : framesBeforeBreak(response.frames, breakAfter)
  for (const [index, frame] of response.frames.slice(0, sent).entries()) {
    if (index > 0 && !(await wait(reply?.chunkDelayMs ?? 0, res))) return
    if (res.destroyed) return
    await write(res, frame.data)
  }
  if (breakAfter === undefined) res.end()
  else res.destroy()
}
