import { afterEach, describe, expect, it } from 'vitest'
import { createFakeServer, type FakeServer, ndjsonLine, sseEvent, type WireProtocol } from './fake-server.js'

/** A minimal protocol: JSON replies, NDJSON streams, and a fixed route that takes no turn. */
const echoProtocol: WireProtocol = {
  name: 'echo',
  routes: [
    {
      method: 'POST',
      path: '/reply',
      reply: (_request, reply) => ({ type: 'json', body: { text: reply.text } }),
    },
    {
      method: 'POST',
      path: '/stream',
      reply: (_request, reply) => ({
        type: 'stream',
        contentType: 'application/x-ndjson',
        frames: [
          { data: ndjsonLine({ start: true }) },
          ...reply.textChunks.map((text) => ({ data: ndjsonLine({ text }), text: true })),
          { data: ndjsonLine({ done: true }) },
        ],
      }),
    },
    {
      method: 'GET',
      path: /^\/models\/[\w-]+$/,
      answer: (request) => ({
        type: 'json',
        headers: { 'x-kind': 'fixed' },
        body: { id: request.path.slice(8) },
      }),
    },
  ],
  errorBody: (error) => ({ error: error.message ?? `status ${error.status}` }),
}

const servers: FakeServer[] = []
async function start() {
  const server = await createFakeServer(echoProtocol)
  servers.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const post = (server: FakeServer, path: string, body: unknown = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

/** Reads a body chunk by chunk until it ends or fails. */
async function readBody(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (true) {
      const { value, done } = await reader.read()
      if (done) return { text }
      text += decoder.decode(value, { stream: true })
    }
  } catch (error) {
    return { text, error }
  }
}

describe('createFakeServer', () => {
  it('listens on 127.0.0.1 on a random free port', async () => {
    const [a, b] = await Promise.all([start(), start()])
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(b.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(a.url).not.toBe(b.url)
  })

  it('answers scripted turns in order and records each request', async () => {
    const server = await start()
    server.enqueue({ text: 'first' }, { text: 'second' })
    const first = await post(server, '/reply?trace=1', { model: 'm', n: 1 })
    const second = await fetch(`${server.url}/reply`, { method: 'POST', body: 'plain text' })
    expect(await first.json()).toEqual({ text: 'first' })
    expect(await second.json()).toEqual({ text: 'second' })
    expect(server.requests).toHaveLength(2)
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/reply',
      query: { trace: '1' },
      headers: { 'content-type': 'application/json' },
      body: { model: 'm', n: 1 },
    })
    expect(server.requests[1]?.body).toBe('plain text')
    expect(server.pending).toBe(0)
  })

  it('answers fixed routes without taking a scripted turn', async () => {
    const server = await start()
    server.enqueue({ text: 'kept' })
    const response = await fetch(`${server.url}/models/small-1`)
    expect(response.headers.get('x-kind')).toBe('fixed')
    expect(await response.json()).toEqual({ id: 'small-1' })
    expect(server.pending).toBe(1)
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/models/small-1', body: undefined })
  })

  it('answers an unknown path with a 404 JSON error in the protocol shape', async () => {
    const server = await start()
    const response = await post(server, '/nowhere')
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ error: 'Unknown path: POST /nowhere' })
    expect(server.requests.map((request) => request.path)).toEqual(['/nowhere'])
  })

  it('answers with a clear 500 when the script has run out', async () => {
    const server = await start()
    const response = await post(server, '/reply')
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      error: 'fake echo server has no scripted reply left for POST /reply',
    })
  })

  it('sends scripted error statuses with their headers, and Retry-After from retryAfterMs', async () => {
    const server = await start()
    server.enqueue(
      { error: { status: 429, message: 'slow down', retryAfterMs: 1500 } },
      { error: { status: 503, headers: { 'Retry-After': '7', 'x-request-id': 'req_1' } } },
    )
    const limited = await post(server, '/reply')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(await limited.json()).toEqual({ error: 'slow down' })
    const unavailable = await post(server, '/reply')
    expect(unavailable.status).toBe(503)
    expect(unavailable.headers.get('retry-after')).toBe('7')
    expect(unavailable.headers.get('x-request-id')).toBe('req_1')
    expect(await unavailable.json()).toEqual({ error: 'status 503' })
  })

  it('drops the connection without answering', async () => {
    const server = await start()
    server.enqueue({ dropConnection: true }, { text: 'after the drop' })
    await expect(post(server, '/reply')).rejects.toThrow('fetch failed')
    expect(await (await post(server, '/reply')).json()).toEqual({ text: 'after the drop' })
    expect(server.requests).toHaveLength(2)
  })

  it('streams frames in order', async () => {
    const server = await start()
    server.enqueue({ chunks: ['a', 'b', 'c'], chunkDelayMs: 5 })
    const response = await post(server, '/stream')
    expect(response.headers.get('content-type')).toBe('application/x-ndjson')
    const { text, error } = await readBody(response)
    expect(error).toBeUndefined()
    expect(text).toBe('{"start":true}\n{"text":"a"}\n{"text":"b"}\n{"text":"c"}\n{"done":true}\n')
  })

  it('breaks a stream after n text chunks by destroying the socket', async () => {
    const server = await start()
    server.enqueue({ chunks: ['a', 'b', 'c'], breakAfterChunks: 2 })
    const { text, error } = await readBody(await post(server, '/stream'))
    expect(text).toBe('{"start":true}\n{"text":"a"}\n{"text":"b"}\n')
    expect(error).toBeInstanceOf(TypeError)
  })

  it('breaks a JSON body half-way when breakAfterChunks is set', async () => {
    const server = await start()
    server.enqueue({ text: 'a long enough reply', breakAfterChunks: 1 })
    const response = await post(server, '/reply')
    expect(response.status).toBe(200)
    const { text, error } = await readBody(response)
    expect(text).toBe('{"text":"a long')
    expect(error).toBeInstanceOf(TypeError)
  })

  it('waits delayMs before answering', async () => {
    const server = await start()
    server.enqueue({ text: 'late', delayMs: 100 })
    const started = performance.now()
    const response = await post(server, '/reply')
    expect(await response.json()).toEqual({ text: 'late' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(90)
  })

  it('closes promptly with an open stream and a delayed answer still pending', async () => {
    const server = await start()
    server.enqueue({ chunks: ['a', 'b'], chunkDelayMs: 60_000 }, { text: 'never', delayMs: 60_000 })
    const streaming = await post(server, '/stream')
    const reader = streaming.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"start":true}\n')
    const delayed = post(server, '/reply').then(
      () => 'answered',
      (error: Error) => error.message,
    )
    while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = performance.now()
    await server.close()
    await server.close()
    expect(performance.now() - started).toBeLessThan(1000)
    await expect(reader.read()).rejects.toThrow('terminated')
    expect(await delayed).toBe('fetch failed')
  })
})

describe('sseEvent', () => {
  it('writes data lines, an optional event name and the chosen line ending', () => {
    expect(sseEvent({ a: 1 })).toBe('data: {"a":1}\n\n')
    expect(sseEvent('[DONE]')).toBe('data: [DONE]\n\n')
    expect(sseEvent({ type: 'ping' }, { event: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n')
    expect(sseEvent({ a: 1 }, { eol: '\r\n' })).toBe('data: {"a":1}\r\n\r\n')
    expect(sseEvent('two\nlines')).toBe('data: two\ndata: lines\n\n')
  })
})

describe('raw answers and echoed keys', () => {
  it('writes a raw answer as it is, whatever the protocol', async () => {
    const server = await createFakeServer(echoProtocol)
    servers.push(server)
    server.enqueue(
      { raw: { body: '{"text": "cut' } },
      { raw: { status: 502, contentType: 'text/html', body: '<html>Bad gateway</html>' } },
      { text: 'fine' },
    )
    const first = await fetch(`${server.url}/reply`, { method: 'POST' })
    expect([first.status, first.headers.get('content-type'), await first.text()]).toEqual([
      200,
      'application/json',
      '{"text": "cut',
    ])
    const second = await fetch(`${server.url}/reply`, { method: 'POST' })
    expect([second.status, await second.text()]).toEqual([502, '<html>Bad gateway</html>'])
    expect(await (await fetch(`${server.url}/reply`, { method: 'POST' })).json()).toEqual({ text: 'fine' })
  })

  it('echoes the key a request carried in error messages and a header, when asked', async () => {
    const server = await createFakeServer(echoProtocol, { echoKey: true })
    servers.push(server)
    server.enqueue({ error: { status: 401 } }, { error: { status: 500, message: 'down' } }, { text: 'ok' })
    const refused = await fetch(`${server.url}/reply`, {
      method: 'POST',
      headers: { authorization: 'Bearer k-123456' },
    })
    expect(refused.headers.get('x-echoed-key')).toBe('k-123456')
    expect(await refused.json()).toEqual({ error: 'Incorrect API key provided: k-123456.' })
    const failed = await fetch(`${server.url}/reply`, { method: 'POST', headers: { 'x-api-key': 'k-abc' } })
    expect(await failed.json()).toEqual({ error: 'down (key: k-abc)' })
    const ok = await fetch(`${server.url}/reply?key=k-query`, { method: 'POST' })
    expect(ok.headers.get('x-echoed-key')).toBe('k-query')
  })
})
