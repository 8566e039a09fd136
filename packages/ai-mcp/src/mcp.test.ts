import { ConfigError, createAI } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { type McpOptions, mcp } from './mcp.js'
import { everythingServer } from './test-servers.js'

const invalid = (options: unknown) => () => mcp(options as McpOptions)

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
})
