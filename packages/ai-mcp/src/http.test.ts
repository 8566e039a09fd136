import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  AbortedError,
  type AimuxEvents,
  ClosedError,
  createAI,
  TimeoutError,
  type ToolMessage,
} from '@aimux/ai-core'
import { type MockProvider, mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startTestHttpServer, type TestHttpServer } from '../test/test-servers.js'
import { type HttpServerConfig, type McpOptions, mcp } from './index.js'

const ask = [{ role: 'user' as const, content: 'Go.' }]
const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function server(options?: Parameters<typeof startTestHttpServer>[0]): Promise<TestHttpServer> {
  const started = await startTestHttpServer(options)
  cleanup.push(() => started.close())
  return started
}

async function setup(config: HttpServerConfig, options: Omit<McpOptions, 'servers'> = {}) {
  const model = mockProvider()
  const ai = await createAI({
    plugins: [model, mcp({ servers: { remote: config }, ...options })],
    defaultModel: 'mock:m',
  })
  cleanup.push(() => ai.close())
  const toolCalls: AimuxEvents['mcp:tool-call'][] = []
  ai.on('mcp:tool-call', (event) => {
    toolCalls.push(event)
  })
  return { ai, model, toolCalls }
}

/** An SSE endpoint that accepts the stream and never sends its `endpoint` event (a buffering proxy, a wedged server). */
async function silentSseServer() {
  const streams = new Set<ServerResponse>()
  const http = createServer((req, res) => {
    if (req.method !== 'GET') return void res.writeHead(405).end()
    streams.add(res)
    res.on('close', () => streams.delete(res))
    res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': hello\n\n')
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      }),
  )
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/sse`, streams }
}

function toolResults(model: MockProvider, call: number) {
  const messages = model.calls[call]?.request.messages ?? []
  return messages.filter((m): m is ToolMessage => m.role === 'tool').flatMap((m) => m.content)
}

describe('Streamable HTTP servers', () => {
  it('runs a tool call the model makes and returns the result for the final answer', async () => {
    const http = await server()
    const { ai, model } = await setup({ url: http.url })
    model.enqueue(
      { toolCalls: [{ id: 'c1', name: 'remote_add', args: { a: 2, b: 3 } }] },
      { text: '2 + 3 = 5' },
    )
    const res = await ai.chat({ messages: ask, mcp: ['remote'] })
    expect(res.text).toBe('2 + 3 = 5')
    expect(model.calls[0]!.request.tools?.map((t) => t.name)).toEqual([
      'remote_add',
      'remote_fail',
      'remote_whoami',
      'remote_slow',
    ])
    expect(toolResults(model, 1)).toEqual([
      { type: 'tool-result', toolCallId: 'c1', toolName: 'remote_add', result: '5' },
    ])
    expect(http.calls).toEqual(['add'])
    expect(ai.mcp.servers()).toEqual([
      { name: 'remote', transport: 'streamable-http', connected: true, restarts: 0 },
    ])
  })

  it('sends a result that reports isError back to the model as an error result, and the loop goes on', async () => {
    const http = await server()
    const { ai, model, toolCalls } = await setup({ url: http.url })
    model.enqueue(
      { toolCalls: [{ id: 'c1', name: 'remote_fail', args: {} }] },
      { text: 'The widget is broken.' },
    )
    const res = await ai.chat({ messages: ask, mcp: ['remote'] })
    expect(res.text).toBe('The widget is broken.')
    expect(res.steps[0]!.toolResults).toEqual([
      {
        toolCallId: 'c1',
        toolName: 'remote_fail',
        result: "Tool 'remote_fail' failed: the widget is broken",
        isError: true,
      },
    ])
    await ai.flush()
    expect(toolCalls).toEqual([
      expect.objectContaining({ server: 'remote', tool: 'fail', ok: false, error: 'the widget is broken' }),
    ])
  })

  it('lets mapResult decide what the model reads', async () => {
    const http = await server()
    const { ai, model } = await setup(
      { url: http.url },
      { mapResult: (result, tool) => ({ ...tool, blocks: result.content.length }) },
    )
    model.enqueue({ toolCalls: [{ id: 'c1', name: 'remote_add', args: { a: 1, b: 1 } }] }, { text: 'ok' })
    await ai.chat({ messages: ask, mcp: ['remote'] })
    expect(toolResults(model, 1)[0]?.result).toEqual({ server: 'remote', tool: 'add', blocks: 1 })
  })

  it('sends the configured headers and masks their values in what the model and the events see', async () => {
    const http = await server()
    const { ai, model, toolCalls } = await setup({
      url: http.url,
      headers: { authorization: 'Bearer team-secret-42' },
    })
    model.enqueue({ toolCalls: [{ id: 'c1', name: 'remote_whoami', args: {} }] }, { text: 'ok' })
    await ai.chat({ messages: ask, mcp: ['remote'] })
    expect(http.authorizations.every((value) => value === 'Bearer team-secret-42')).toBe(true)
    expect(toolResults(model, 1)[0]?.result).toBe(
      "Tool 'remote_whoami' failed: caller [redacted] is not allowed",
    )
    await ai.flush()
    expect(JSON.stringify(toolCalls)).not.toContain('team-secret-42')
  })

  it('never sends a call whose arguments fail the schema', async () => {
    const http = await server()
    const { ai, model } = await setup({ url: http.url })
    model.enqueue(
      { toolCalls: [{ id: 'c1', name: 'remote_add', args: { a: 2, b: '3' } }] },
      { text: 'Sorry.' },
    )
    await ai.chat({ messages: ask, mcp: ['remote'] })
    expect(toolResults(model, 1)[0]).toMatchObject({
      isError: true,
      result: "Invalid arguments for tool 'remote_add': b: must be number",
    })
    expect(http.calls).toEqual([])
    await expect(ai.mcp.callTool('remote', 'add', { a: 1 })).rejects.toThrow('b: is required')
    expect(http.calls).toEqual([])
  })

  it('times out a slow call with the per-call timeout', async () => {
    const http = await server()
    const { ai } = await setup({ url: http.url, timeoutMs: 5000 })
    await expect(ai.mcp.callTool('remote', 'slow', { ms: 2000 }, { timeoutMs: 150 })).rejects.toThrow(
      "MCP server 'remote' did not finish calling tool 'slow' within 150 ms.",
    )
    expect(await ai.mcp.callTool('remote', 'slow', { ms: 10 })).toMatchObject({ content: [{ text: 'done' }] })
  })

  it('reconnects on the next use after the server went away and came back; the call in between fails as an error result', async () => {
    const first = await server()
    const { ai, model } = await setup({ url: first.url })
    model.enqueue({ toolCalls: [{ id: 'c1', name: 'remote_add', args: { a: 1, b: 1 } }] }, { text: '2' })
    await ai.chat({ messages: ask, mcp: ['remote'] })
    await first.close()

    await expect(ai.mcp.callTool('remote', 'add', { a: 1, b: 2 })).rejects.toMatchObject({
      code: 'connection',
      message: expect.stringMatching(/^MCP server 'remote' failed while calling tool 'add': /),
    })
    expect(ai.mcp.servers()[0]).toMatchObject({ connected: false, restarts: 0 })

    // Back on the same port, without the old session: the next use starts a new one.
    const again = await server({ port: first.port })
    model.enqueue({ toolCalls: [{ id: 'c2', name: 'remote_add', args: { a: 2, b: 2 } }] }, { text: '4' })
    expect((await ai.chat({ messages: ask, mcp: ['remote'] })).text).toBe('4')
    expect(toolResults(model, 3)[0]).toMatchObject({ result: '4' })
    expect(again.calls).toEqual(['add'])
    expect(ai.mcp.servers()[0]).toMatchObject({ connected: true, restarts: 1 })
  })

  it('starts a new session at once when the server no longer knows the old one, as the protocol asks', async () => {
    const http = await server()
    const { ai } = await setup({ url: http.url })
    await ai.mcp.callTool('remote', 'add', { a: 1, b: 1 })
    http.forgetSessions()
    expect(await ai.mcp.callTool('remote', 'add', { a: 1, b: 3 })).toMatchObject({ content: [{ text: '4' }] })
    expect(http.calls).toEqual(['add', 'add'])
    expect(ai.mcp.servers()[0]).toMatchObject({ connected: true, restarts: 1 })
  })

  it('lets a caller that aborts stop waiting, while the start it began goes on for the others', async () => {
    const http = await server()
    const { ai } = await setup({ url: http.url })
    await expect(ai.mcp.tools(['remote'], { signal: AbortSignal.abort() })).rejects.toThrow(AbortedError)
    expect(await ai.mcp.tools(['remote'])).toHaveLength(4)
    expect(ai.mcp.servers()[0]).toMatchObject({ connected: true, restarts: 0 })
  })

  it('lists the tools again when the server says its list changed', async () => {
    const http = await server()
    const { ai } = await setup({ url: http.url })
    expect((await ai.mcp.tools()).map((t) => t.name)).not.toContain('remote_late')
    http.addTool('late')
    await expect.poll(async () => (await ai.mcp.tools()).map((t) => t.name)).toContain('remote_late')
  })

  it('lists and reads resources, and turns a prompt into messages', async () => {
    const http = await server()
    const { ai } = await setup({ url: http.url })
    expect((await ai.mcp.listResources('remote')).map((r) => r.uri)).toEqual(['note://hello'])
    expect(await ai.mcp.readResource('remote', 'note://hello')).toEqual([
      { uri: 'note://hello', mimeType: 'text/plain', text: 'Hello from a resource' },
    ])
    await expect(ai.mcp.readResource('remote', 'note://missing')).rejects.toMatchObject({
      code: 'tool',
      message: expect.stringMatching(
        /^MCP server 'remote' failed while reading resource 'note:\/\/missing': /,
      ),
    })
    expect((await ai.mcp.listPrompts('remote')).map((p) => p.name)).toEqual(['greet'])
    expect(await ai.mcp.getPrompt('remote', 'greet', { name: 'Ana' })).toEqual({
      messages: [
        { role: 'user', content: 'Greet Ana warmly.' },
        { role: 'assistant', content: 'Hello, Ana!' },
      ],
    })
  })
})

describe('the older HTTP+SSE transport', () => {
  it('is used when the server refuses Streamable HTTP', async () => {
    const http = await server({ transport: 'sse' })
    const { ai, model } = await setup({ url: http.url })
    model.enqueue({ toolCalls: [{ id: 'c1', name: 'remote_add', args: { a: 20, b: 22 } }] }, { text: '42' })
    expect((await ai.chat({ messages: ask, mcp: ['remote'] })).text).toBe('42')
    expect(toolResults(model, 1)[0]).toMatchObject({ result: '42' })
    expect(ai.mcp.servers()[0]).toMatchObject({ transport: 'sse', connected: true })
  })

  it('gives up on a server that never sends its endpoint within connectTimeoutMs, and closes the stream', async () => {
    const silent = await silentSseServer()
    const { ai } = await setup({ url: silent.url }, { connectTimeoutMs: 300 })
    const listing = ai.mcp.tools()
    await expect(listing).rejects.toThrow(TimeoutError)
    await expect(listing).rejects.toThrow("MCP server 'remote' did not finish starting within 300 ms.")
    await vi.waitFor(() => expect(silent.streams.size).toBe(0))
  }, 5000)

  it('lets ai.close() stop a start that is still waiting for the endpoint', async () => {
    const silent = await silentSseServer()
    const { ai } = await setup({ url: silent.url })
    const listing = ai.mcp.tools()
    await vi.waitFor(() => expect(silent.streams.size).toBe(1))
    await ai.close()
    await expect(listing).rejects.toThrow(ClosedError)
    await vi.waitFor(() => expect(silent.streams.size).toBe(0))
  }, 5000)

  it('is not tried when the configuration asks for Streamable HTTP only', async () => {
    const http = await server({ transport: 'sse' })
    const { ai } = await setup({ url: http.url, transport: 'streamable-http' })
    await expect(ai.mcp.tools()).rejects.toThrow(/^MCP server 'remote' failed while starting: /)
  })
})
