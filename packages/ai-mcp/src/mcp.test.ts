import { AbortedError, ConfigError, createAI, TimeoutError, ToolError } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it, vi } from 'vitest'
import { everythingServer } from '../test/test-servers.js'
import { MAX_PAGES } from './list-pages.js'
import { type McpOptions, mcp } from './mcp.js'

const invalid = (options: unknown) => () => mcp(options as McpOptions)
const hi = [{ role: 'user' as const, content: 'Hi' }]

/** A stdio server that never answers, and exits when its stdin closes. */
const silentServer = { command: process.execPath, args: ['-e', 'process.stdin.resume()'] }

/**
 * A stdio server whose every list has a next page: with `repeat`, always the cursor 'same'; else a
 * new cursor each time.
 */
const pagerServer = (mode: 'repeat' | 'endless') => ({
  command: process.execPath,
  args: [
    '-e',
    `let n = 0
    require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
      const { id, method, params } = JSON.parse(line)
      if (id === undefined) return
      const nextCursor = process.argv[1] === 'repeat' ? 'same' : 'page-' + ++n
      const result =
        method === 'initialize'
          ? { protocolVersion: params.protocolVersion, capabilities: { tools: {}, resources: {}, prompts: {} }, serverInfo: { name: 'pager', version: '1' } }
          : { [method.split('/')[0]]: [], nextCursor }
      process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\\n')
    })`,
    mode,
  ],
})

// Every test here starts real server processes, which alone can take seconds on a loaded
// machine: tests assert outcomes and order, and their time limits leave room for that.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

describe('mcp() options', () => {
  it('are checked when the plugin is made, with ConfigErrors naming the field', () => {
    expect(invalid({ servers: {} })).toThrow(ConfigError)
    expect(invalid({ servers: {} })).toThrow('Invalid mcp options: servers: needs at least one server')
    expect(invalid({ servers: { files: { path: '.' } } })).toThrow(
      'servers.files: needs `command` (a stdio server) or `url` (an HTTP server)',
    )
    expect(invalid({ servers: { files: { command: 'x', args: 'y' } } })).toThrow('servers.files.args: ')
    expect(invalid({ servers: { api: { url: 'ftp://example.com' } } })).toThrow(
      'servers.api.url: must be an http(s) URL',
    )
    expect(invalid({ servers: { api: { url: 'https://example.com', token: 'x' } } })).toThrow(
      'servers.api: Unrecognized key: "token"',
    )
    expect(invalid({ servers: { 'my server': { command: 'x' } } })).toThrow(
      'servers.my server: must be 1-63 letters, digits, underscores or dashes',
    )
    expect(invalid({ servers: { a: { command: 'x' } }, timeoutMs: 0 })).toThrow('timeoutMs: ')
  })

  it('refuse a default selection or a thinking server that names an unknown server', () => {
    expect(invalid({ servers: { a: { command: 'x' } }, defaultSelection: ['b'] })).toThrow(
      "Invalid mcp options: defaultSelection[0]: unknown MCP server 'b' (configured: a)",
    )
    expect(invalid({ servers: { a: { command: 'x' } }, thinking: { server: 'b' } })).toThrow(
      "thinking.server: unknown MCP server 'b' (configured: a)",
    )
  })
})

describe('server failures at request time', () => {
  it('a command that does not exist fails the request with a ConfigError, before any model call', async () => {
    const model = mockProvider()
    const ai = await createAI({
      plugins: [model, mcp({ servers: { ghost: { command: 'aimux-no-such-command' } } })],
      defaultModel: 'mock:m',
    })
    const res = ai.chat({ messages: [{ role: 'user', content: 'Hi' }], mcp: ['ghost'] })
    await expect(res).rejects.toThrow(ConfigError)
    await expect(res).rejects.toThrow(
      "MCP server 'ghost' could not be started: spawn aimux-no-such-command ENOENT",
    )
    expect(model.calls).toHaveLength(0)
    await ai.close()
  })

  it('a thinking server with several tools needs thinking.tool', async () => {
    const ai = await createAI({
      plugins: [
        mockProvider(),
        mcp({
          servers: { everything: { command: process.execPath, args: [everythingServer, 'stdio'] } },
          thinking: { server: 'everything' },
        }),
      ],
      defaultModel: 'mock:m',
    })
    await expect(ai.chat({ messages: [{ role: 'user', content: 'Hi' }], mcpThinking: true })).rejects.toThrow(
      "The MCP thinking server 'everything' has several tools: name one as thinking.tool.",
    )
    await ai.close()
  })

  it('stops waiting for a server that is slow to start when the request is aborted or runs out of time', async () => {
    const model = mockProvider()
    const ai = await createAI({
      plugins: [model, mcp({ servers: { slow: silentServer } })],
      defaultModel: 'mock:m',
    })
    // The server never finishes starting: only the abort and the total timeout end these calls
    // (its connectTimeoutMs is a minute), and only close() ends the start still in progress.
    const aborted = ai.chat({ messages: hi, mcp: ['slow'], signal: AbortSignal.timeout(100) })
    await expect(aborted).rejects.toThrow(AbortedError)
    await expect(aborted).rejects.toThrow("MCP server 'slow': starting was aborted.")
    await expect(ai.chat({ messages: hi, mcp: ['slow'], timeout: { totalMs: 100 } })).rejects.toThrow(
      TimeoutError,
    )
    expect(model.calls).toHaveLength(0)
    await ai.close()
  })

  it('fails a listing whose cursors repeat or never end, naming the server, instead of looping', async () => {
    const ai = await createAI({
      plugins: [
        mockProvider(),
        mcp({ servers: { repeat: pagerServer('repeat'), endless: pagerServer('endless') } }),
      ],
      defaultModel: 'mock:m',
    })
    const repeated = "failed while listing tools: the list gave the cursor 'same' twice"
    await expect(ai.mcp.tools(['repeat'])).rejects.toThrow(ToolError)
    await expect(ai.mcp.tools(['repeat'])).rejects.toThrow(`MCP server 'repeat' ${repeated}`)
    await expect(ai.chat({ messages: hi, mcp: ['repeat'] })).rejects.toThrow(repeated)
    await expect(ai.mcp.listPrompts('repeat')).rejects.toThrow(
      "MCP server 'repeat' failed while listing prompts: the list gave the cursor 'same' twice",
    )
    await expect(ai.mcp.listResources('endless')).rejects.toThrow(
      `MCP server 'endless' failed while listing resources: the list went on past ${MAX_PAGES} pages`,
    )
    await ai.close()
  })
})
