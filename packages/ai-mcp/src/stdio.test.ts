import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AI,
  type AimuxEvents,
  ClosedError,
  createAI,
  type ToolMessage,
  ValidationError,
} from '@aimux/ai-core'
import { type MockProvider, mockProvider } from '@aimux/ai-testing'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { everythingServer, filesystemServer } from '../test/test-servers.js'
import { type McpOptions, mcp } from './mcp.js'

const ask = [{ role: 'user' as const, content: 'Go.' }]
// Every test here starts real server processes, which alone can take seconds on a loaded
// machine: tests assert outcomes and order, and their time limits leave room for that.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })
let folder: string
const open: AI[] = []

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'aimux-mcp-'))
  writeFileSync(join(folder, 'notes.txt'), 'Buy oat milk and two lemons.')
  return () => rmSync(folder, { recursive: true, force: true })
})
afterEach(async () => {
  await Promise.all(open.splice(0).map((ai) => ai.close()))
})

const servers = (): McpOptions['servers'] => ({
  files: { command: process.execPath, args: [filesystemServer, folder] },
  everything: { command: process.execPath, args: [everythingServer, 'stdio'] },
})

async function setup(options: Partial<McpOptions> = {}) {
  const model = mockProvider()
  const ai = await createAI({
    plugins: [model, mcp({ servers: servers(), ...options })],
    defaultModel: 'mock:mock-model',
  })
  open.push(ai)
  const toolCalls: AimuxEvents['mcp:tool-call'][] = []
  const serverEvents: AimuxEvents['mcp:server'][] = []
  ai.on('mcp:tool-call', (event) => {
    toolCalls.push(event)
  })
  ai.on('mcp:server', (event) => {
    serverEvents.push(event)
  })
  return { ai, model, toolCalls, serverEvents }
}

/** The tool results the model was sent in its `call`-th call (from 0). */
function toolResults(model: MockProvider, call: number) {
  const messages = model.calls[call]?.request.messages ?? []
  return messages.filter((m): m is ToolMessage => m.role === 'tool').flatMap((m) => m.content)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('stdio servers from npm', () => {
  it('offers a server’s tools, runs the call the model makes and sends the result back for the final answer', async () => {
    const { ai, model, toolCalls } = await setup()
    model.enqueue(
      { toolCalls: [{ id: 'c1', name: 'files_read_text_file', args: { path: join(folder, 'notes.txt') } }] },
      { text: 'You need oat milk and two lemons.' },
    )
    const res = await ai.chat({ messages: ask, mcp: ['files'], requestId: 'r1' })

    expect(res.text).toBe('You need oat milk and two lemons.')
    const offered = model.calls[0]!.request.tools ?? []
    expect(offered.map((t) => t.name)).toContain('files_read_text_file')
    expect(offered.every((t) => t.name.startsWith('files_'))).toBe(true)
    const readFile = offered.find((t) => t.name === 'files_read_text_file')!
    expect(readFile.parameters).toMatchObject({ type: 'object', required: ['path'] })
    expect(readFile.parameters).not.toHaveProperty('$schema')
    expect(toolResults(model, 1)).toEqual([
      {
        type: 'tool-result',
        toolCallId: 'c1',
        toolName: 'files_read_text_file',
        result: 'Buy oat milk and two lemons.',
      },
    ])
    await ai.flush()
    expect(toolCalls).toEqual([
      expect.objectContaining({
        requestId: 'r1',
        toolCallId: 'c1',
        server: 'files',
        tool: 'read_text_file',
        toolName: 'files_read_text_file',
        ok: true,
      }),
    ])
    expect(toolCalls[0]!.durationMs).toBeGreaterThan(0)
    // Only the chosen server was started.
    expect(ai.mcp.servers().map((s) => [s.name, s.connected])).toEqual([
      ['files', true],
      ['everything', false],
    ])
  })

  it('offers only the tools of a per-server allowlist, and nothing to a request that chooses no server', async () => {
    const { ai, model } = await setup()
    model.enqueue({ text: 'one' }, { text: 'two' })
    await ai.chat({
      messages: ask,
      mcp: { files: ['read_text_file', 'list_directory'], everything: ['echo'] },
    })
    await ai.chat({ messages: ask })
    expect(model.calls[0]!.request.tools?.map((t) => t.name).sort()).toEqual([
      'everything_echo',
      'files_list_directory',
      'files_read_text_file',
    ])
    expect(model.calls[1]!.request.tools).toBeUndefined()
  })

  it('refuses unknown servers and unknown tools with errors that name them, before any model call', async () => {
    const { ai, model } = await setup()
    const unknownServer = ai.chat({ messages: ask, mcp: ['files', 'github'] })
    await expect(unknownServer).rejects.toThrow(ValidationError)
    await expect(unknownServer).rejects.toThrow(
      "Invalid chat request: mcp[1]: unknown MCP server 'github' (configured: files, everything)",
    )
    await expect(ai.chat({ messages: ask, mcp: { files: ['read_everything'] } })).rejects.toThrow(
      /MCP server 'files' has no tool 'read_everything' \(it has: read_file, read_text_file, /,
    )
    expect(model.calls).toHaveLength(0)
  })

  it('maps images, embedded resources, resource links and structured content to text the model reads', async () => {
    const { ai, model } = await setup()
    model.enqueue(
      {
        toolCalls: [
          { id: 'img', name: 'everything_get-tiny-image', args: {} },
          {
            id: 'res',
            name: 'everything_get-resource-reference',
            args: { resourceType: 'Text', resourceId: 3 },
          },
          { id: 'link', name: 'everything_get-resource-links', args: { count: 1 } },
          { id: 'json', name: 'everything_get-structured-content', args: { location: 'Chicago' } },
        ],
      },
      { text: 'Done.' },
    )
    await ai.chat({ messages: ask, mcp: ['everything'] })
    const [image, resource, link, structured] = toolResults(model, 1).map((r) => r.result as string)
    expect(image).toMatch(/^Here's the image you requested:\n\[image image\/png, [\d.]+ kB, not shown\]/)
    expect(image!.length).toBeLessThan(200) // the base64 data stays out
    expect(resource).toMatch(
      /^Returning resource reference for Resource 3:\n\[resource demo:\/\/resource\/dynamic\/text\/3 \(text\/plain\)\]\nResource 3: This is a plaintext resource/,
    )
    expect(link).toContain('[resource link demo://resource/dynamic/blob/1 "Blob Resource 1" (text/plain)]')
    expect(JSON.parse(structured!)).toMatchObject({ temperature: expect.any(Number) })
  })

  it('rejects arguments that fail the tool’s schema before the call, as an error result the model can fix', async () => {
    const { ai, model, toolCalls } = await setup()
    model.enqueue(
      { toolCalls: [{ id: 'bad', name: 'everything_get-sum', args: { a: 'one' } }] },
      { toolCalls: [{ id: 'good', name: 'everything_get-sum', args: { a: 1, b: 2 } }] },
      { text: '3' },
    )
    const res = await ai.chat({ messages: ask, mcp: { everything: ['get-sum'] } })
    expect(res.text).toBe('3')
    expect(toolResults(model, 1)[0]).toMatchObject({
      isError: true,
      result: "Invalid arguments for tool 'everything_get-sum': b: is required; a: must be number",
    })
    expect(toolResults(model, 2)[1]).toMatchObject({
      toolCallId: 'good',
      result: expect.stringContaining('3'),
    })
    await ai.flush()
    expect(toolCalls.map((e) => [e.toolCallId, e.ok])).toEqual([
      ['bad', false],
      ['good', true],
    ])
    expect(toolCalls[0]!.error).toMatch(/^Invalid arguments/)
  })

  it('gives each call a timeout; a call that takes longer is an error result and the loop goes on', async () => {
    const { ai, model, toolCalls } = await setup({
      servers: { ...servers(), everything: { ...servers().everything!, timeoutMs: 300 } },
    })
    model.enqueue(
      {
        toolCalls: [
          // An hour: only the timeout can end this call while the test runs.
          {
            id: 'long',
            name: 'everything_trigger-long-running-operation',
            args: { duration: 3_600, steps: 5 },
          },
        ],
      },
      { text: 'It took too long.' },
    )
    const res = await ai.chat({ messages: ask, mcp: ['everything'] })
    expect(res.text).toBe('It took too long.')
    expect(toolResults(model, 1)[0]).toMatchObject({
      isError: true,
      result:
        "Tool 'everything_trigger-long-running-operation' failed: MCP server 'everything' did not finish calling tool 'trigger-long-running-operation' within 300 ms.",
    })
    await ai.flush()
    expect(toolCalls[0]).toMatchObject({ ok: false, error: expect.stringContaining('within 300 ms') })
  })

  it('restarts a server that crashed on its next use; a call in flight fails as an error result', async () => {
    const { ai, model, serverEvents } = await setup()
    model.enqueue(
      { toolCalls: [{ id: 'c1', name: 'everything_echo', args: { message: 'first' } }] },
      { text: 'ok' },
    )
    await ai.chat({ messages: ask, mcp: ['everything'] })
    const first = ai.mcp.servers().find((s) => s.name === 'everything')!
    expect(first).toMatchObject({ transport: 'stdio', connected: true, restarts: 0 })

    // Killed while a call is in flight: the model sees the error, the request still ends.
    model.enqueue(
      {
        toolCalls: [
          { id: 'c2', name: 'everything_trigger-long-running-operation', args: { duration: 10, steps: 10 } },
        ],
      },
      { text: 'The server went away.' },
    )
    const client = await ai.mcp.client('everything')
    const callTool = client.callTool.bind(client)
    const sent = new Promise<void>((resolve) => {
      client.callTool = (...args) => {
        const call = callTool(...args)
        resolve()
        return call
      }
    })
    const pending = ai.chat({ messages: ask, mcp: ['everything'] })
    await sent
    process.kill(first.pid!, 'SIGKILL')
    const res = await pending
    expect(res.text).toBe('The server went away.')
    expect(toolResults(model, 3)[0]).toMatchObject({
      isError: true,
      result: expect.stringMatching(
        /^Tool 'everything_trigger-long-running-operation' failed: MCP server 'everything' failed while calling tool 'trigger-long-running-operation': Connection closed/,
      ),
    })
    expect(ai.mcp.servers().find((s) => s.name === 'everything')?.connected).toBe(false)

    model.enqueue(
      { toolCalls: [{ id: 'c3', name: 'everything_echo', args: { message: 'again' } }] },
      { text: 'back' },
    )
    expect((await ai.chat({ messages: ask, mcp: ['everything'] })).text).toBe('back')
    expect(toolResults(model, 5)[0]).toMatchObject({ result: 'Echo: again' })
    const second = ai.mcp.servers().find((s) => s.name === 'everything')!
    expect(second).toMatchObject({ connected: true, restarts: 1 })
    expect(second.pid).not.toBe(first.pid)
    await ai.flush()
    expect(serverEvents.map((e) => [e.state, e.reason])).toEqual([
      ['connected', undefined],
      ['disconnected', 'exited'],
      ['connected', undefined],
    ])
  })

  it('leaves no server process behind after ai.close()', async () => {
    const { ai } = await setup()
    await ai.mcp.tools()
    const pids = ai.mcp.servers().map((s) => s.pid!)
    expect(pids).toHaveLength(2)
    expect(pids.every(alive)).toBe(true)
    await ai.close()
    expect(pids.filter(alive)).toEqual([])
    expect(ai.mcp.servers().every((s) => !s.connected)).toBe(true)
    await expect(ai.mcp.tools(['files'])).rejects.toThrow(ClosedError)
  })

  it('passes env to the server, and keeps its values out of errors', async () => {
    const { ai } = await setup({
      servers: {
        everything: {
          command: process.execPath,
          args: [everythingServer, 'stdio'],
          env: { AIMUX_MCP_TOKEN: 'tok-9f8e7d6c' },
        },
        broken: {
          command: process.execPath,
          args: ['-e', 'console.error("bad token tok-9f8e7d6c"); process.exit(3)'],
          env: { AIMUX_MCP_TOKEN: 'tok-9f8e7d6c' },
        },
      },
    })
    const env = await ai.mcp.callTool('everything', 'get-env')
    expect(JSON.stringify(env.content)).toContain('tok-9f8e7d6c')
    const failed = ai.mcp.tools(['broken'])
    await expect(failed).rejects.toThrow(
      /MCP server 'broken' failed while starting: Connection closed\. Its last output: bad token \[redacted\]/,
    )
    await expect(failed).rejects.not.toThrow(/tok-9f8e7d6c/)
  })
})

describe('resources and prompts', () => {
  it('lists and reads resources; a server without resources lists none', async () => {
    const { ai } = await setup()
    const resources = await ai.mcp.listResources('everything')
    expect(resources.map((r) => r.uri)).toContain('demo://resource/static/document/architecture.md')
    const [content] = await ai.mcp.readResource(
      'everything',
      'demo://resource/static/document/architecture.md',
    )
    expect(content).toMatchObject({
      mimeType: 'text/markdown',
      text: expect.stringContaining('# Everything Server'),
    })
    expect(await ai.mcp.listResources('files')).toEqual([])
  })

  it('lists prompts and turns one into messages for a request', async () => {
    const { ai, model } = await setup()
    const prompts = await ai.mcp.listPrompts('everything')
    expect(prompts.find((p) => p.name === 'args-prompt')?.arguments?.map((a) => a.name)).toEqual([
      'city',
      'state',
    ])
    const prompt = await ai.mcp.getPrompt('everything', 'args-prompt', { city: 'Lisbon' })
    expect(prompt.messages).toEqual([{ role: 'user', content: expect.stringContaining('Lisbon') }])
    const withResource = await ai.mcp.getPrompt('everything', 'resource-prompt', {
      resourceType: 'Text',
      resourceId: '2',
    })
    expect(withResource.messages[1]).toEqual({
      role: 'user',
      content: expect.stringMatching(
        /^\[resource demo:\/\/resource\/dynamic\/text\/2 \(text\/plain\)\]\nResource 2:/,
      ),
    })
    model.enqueue({ text: 'Lisbon is lovely.' })
    expect((await ai.chat({ messages: prompt.messages })).text).toBe('Lisbon is lovely.')
  })
})

describe('choosing servers', () => {
  it('takes a conversation’s servers from its metadata; a turn may choose others', async () => {
    const { ai, model } = await setup()
    const chat = await ai.conversation({ metadata: { mcp: { files: ['list_directory'] } } })
    model.enqueue({ text: 'one' }, { text: 'two' }, { text: 'three' })
    await chat.send('What is there?')
    await chat.send('And now?', { mcp: { everything: ['echo'] } })
    await chat.send('And without?', { mcp: [] })
    expect(model.calls.map((c) => c.request.tools?.map((t) => t.name))).toEqual([
      ['files_list_directory'],
      ['everything_echo'],
      undefined,
    ])
  })

  it('uses the default selection for requests that choose nothing, and streams the same way', async () => {
    const { ai, model } = await setup({ defaultSelection: { files: ['read_text_file'] } })
    model.enqueue(
      { toolCalls: [{ id: 'c1', name: 'files_read_text_file', args: { path: join(folder, 'notes.txt') } }] },
      { chunks: ['Oat milk', ' and lemons.'] },
    )
    const stream = ai.stream({ messages: ask })
    let text = ''
    for await (const part of stream) if (part.type === 'text-delta') text += part.text
    expect(text).toBe('Oat milk and lemons.')
    expect(toolResults(model, 1)[0]).toMatchObject({ result: 'Buy oat milk and two lemons.' })
  })

  it('reads from the metadata only what a turn leaves open: stale metadata does not fail a turn that chooses', async () => {
    const { ai, model } = await setup()
    const chat = await ai.conversation({ metadata: { mcp: ['removed-since'] } })
    model.enqueue({ text: 'ok' })
    expect((await chat.send('Hi', { mcp: [] })).text).toBe('ok')
    await expect(chat.send('Hi')).rejects.toThrow(
      "Invalid conversation metadata: mcp[0]: unknown MCP server 'removed-since'",
    )
  })

  it('refuses bad conversation metadata with an error naming the field', async () => {
    const { ai } = await setup()
    const chat = await ai.conversation({ metadata: { mcp: ['nope'] } })
    await expect(chat.send('Hi')).rejects.toThrow(
      "Invalid conversation metadata: mcp[0]: unknown MCP server 'nope' (configured: files, everything)",
    )
  })
})
