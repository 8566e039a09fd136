import { type AnyTool, ValidationError } from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js'
import type {
  CallToolResult,
  Tool as McpTool,
  Prompt,
  ReadResourceResult,
  Resource,
} from '@modelcontextprotocol/sdk/types.js'
import { callMcpTool, type McpToolCallEvent } from './call-tool.js'
import { type ListPage, listPages } from './list-pages.js'
import type { McpConnection, McpServerStatus, RequestSettings } from './mcp-connection.js'
import { type McpSelection, resolveSelection, selectionSchema } from './mcp-selection.js'
import { type McpPrompt, promptMessages } from './prompt-messages.js'
import { type MapToolResult, toAimuxTool } from './to-aimux-tool.js'
import { nameTools } from './tool-name.js'

/** `ai.mcp`: the configured servers, their tools, resources and prompts. */
export interface McpApi {
  /** Every configured server: its transport, whether it is connected, its pid, its restarts. */
  servers(): McpServerStatus[]
  /** The selected servers' tools as aimux tools, named `<server>_<tool>`; default every server's. */
  tools(selection?: McpSelection, options?: RequestSettings): Promise<AnyTool[]>
  /** Calls a tool directly: arguments checked, with the timeout and an event; `isError` is returned, not thrown. */
  callTool(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    options?: RequestSettings,
  ): Promise<CallToolResult>
  /** Every resource the server lists (all pages); none for a server without resources. */
  listResources(server: string, options?: RequestSettings): Promise<Resource[]>
  /** A resource's contents: `text`, or `blob` as base64. */
  readResource(
    server: string,
    uri: string,
    options?: RequestSettings,
  ): Promise<ReadResourceResult['contents']>
  /** Every prompt the server lists (all pages); none for a server without prompts. */
  listPrompts(server: string, options?: RequestSettings): Promise<Prompt[]>
  /** A prompt rendered by the server with `args`, as aimux messages ready for `ai.chat()`. */
  getPrompt(
    server: string,
    name: string,
    args?: Record<string, string>,
    options?: RequestSettings,
  ): Promise<McpPrompt>
  /** The connected SDK client, for what this API does not cover (its lifecycle stays the plugin's). */
  client(server: string): Promise<Client>
}

export interface McpApiDeps {
  connections: ReadonlyMap<string, McpConnection>
  mapResult: MapToolResult
  onCall: (event: McpToolCallEvent) => void
}

export function createMcpApi(deps: McpApiDeps): McpApi {
  const { connections } = deps
  const names = [...connections.keys()]
  const selection = selectionSchema(names)

  const connection = (server: string): McpConnection => {
    const found = connections.get(server)
    if (!found) throw new ValidationError(`Unknown MCP server '${server}' (configured: ${names.join(', ')}).`)
    return found
  }

  async function findTool(server: McpConnection, name: string, settings?: RequestSettings): Promise<McpTool> {
    const tools = await server.tools(settings)
    const tool = tools.find((candidate) => candidate.name === name)
    if (tool) return tool
    const known = tools.map((t) => t.name).join(', ') || 'none'
    throw new ValidationError(`MCP server '${server.name}' has no tool '${name}' (it has: ${known}).`)
  }

  /** Every page of a list, or none when the server does not offer the capability. */
  function listAll<T>(
    server: string,
    what: 'resources' | 'prompts',
    page: (
      client: Client,
      params: { cursor: string } | undefined,
      options: RequestOptions,
    ) => Promise<ListPage<T>>,
    settings?: RequestSettings,
  ): Promise<T[]> {
    return connection(server).request(
      `listing ${what}`,
      async (client, requestOptions) =>
        client.getServerCapabilities()?.[what]
          ? listPages((params) => page(client, params, requestOptions))
          : [],
      settings,
    )
  }

  return {
    servers: () => [...connections.values()].map((c) => c.status()),

    async tools(chosen = names, options = {}) {
      const resolved = resolveSelection(validate(selection, chosen, 'MCP selection'))
      const listed = await Promise.all(
        [...resolved].map(async ([server, allowed]) => {
          const from = connection(server)
          const tools = await from.tools(options)
          for (const name of allowed ?? []) await findTool(from, name, options)
          return tools
            .filter((tool) => !allowed || allowed.has(tool.name))
            .map((tool) => ({ server, tool: tool.name, from, definition: tool }))
        }),
      )
      return [...nameTools(listed.flat())].map(([name, ref]) =>
        toAimuxTool(name, ref.from, ref.definition, deps),
      )
    },

    async callTool(server, name, args = {}, options = {}) {
      const from = connection(server)
      return callMcpTool(from, await findTool(from, name, options), args, options, deps.onCall)
    },

    listResources: (server, options) =>
      listAll(
        server,
        'resources',
        async (client, params, requestOptions) => {
          const page = await client.listResources(params, requestOptions)
          return { items: page.resources, nextCursor: page.nextCursor }
        },
        options,
      ),

    async readResource(server, uri, options) {
      const result = await connection(server).request(
        `reading resource '${uri}'`,
        (client, requestOptions) => client.readResource({ uri }, requestOptions),
        options,
      )
      return result.contents
    },

    listPrompts: (server, options) =>
      listAll(
        server,
        'prompts',
        async (client, params, requestOptions) => {
          const page = await client.listPrompts(params, requestOptions)
          return { items: page.prompts, nextCursor: page.nextCursor }
        },
        options,
      ),

    async getPrompt(server, name, args, options) {
      const result = await connection(server).request(
        `getting prompt '${name}'`,
        (client, requestOptions) =>
          client.getPrompt({ name, ...(args ? { arguments: args } : {}) }, requestOptions),
        options,
      )
      return promptMessages(result)
    },

    client: (server) => connection(server).client(),
  }
}
