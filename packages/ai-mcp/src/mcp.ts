import {
  type AI,
  ConfigError,
  definePlugin,
  type Plugin,
  type RequestAdditions,
  type RequestHookInput,
} from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'
import type { McpToolCallEvent } from './call-tool.js'
import { createMcpApi, type McpApi } from './mcp-api.js'
import { createMcpConnection, type McpConnection, type McpServerEvent } from './mcp-connection.js'
import { type McpSelection, selectionSchema } from './mcp-selection.js'
import { type McpServerConfig, optionsSchema } from './server-config.js'
import { runThinkingStep, type ThinkingOptions } from './thinking-step.js'
import type { MapToolResult } from './to-aimux-tool.js'
import { toolResultContent } from './tool-result-content.js'

declare module '@aimux/ai-core' {
  interface ChatRequestExtensions {
    /** The MCP servers, or per server the tools, this request offers the model. `[]` for none. */
    mcp?: McpSelection
    /** Runs the MCP thinking step before the request's model call; needs `thinking` in `mcp()`. */
    mcpThinking?: boolean
  }
  interface AimuxEvents {
    /** An MCP tool was called (or refused before it was sent). */
    'mcp:tool-call': McpToolCallEvent
    /** An MCP server connected, or went away. */
    'mcp:server': McpServerEvent
  }
  interface AI {
    /** The MCP servers of the `mcp()` plugin: tools, resources, prompts, status. */
    mcp: McpApi
  }
}

export interface McpOptions {
  /** The servers by name; a name is the prefix of its tools' names and what requests choose. */
  servers: Record<string, McpServerConfig>
  /** What a request uses when neither it nor its conversation chooses. Default: nothing. */
  defaultSelection?: McpSelection
  /** How long each tool call (and each other request to a server) may take. Default 60 s. */
  timeoutMs?: number
  /** How long starting a server and its handshake may take. Default 60 s. */
  connectTimeoutMs?: number
  /** What the model reads back from a tool; default `toolResultContent()`. */
  mapResult?: MapToolResult
  /** The thinking step a request runs with `mcpThinking: true`. */
  thinking?: ThinkingOptions
}

/** What a conversation's metadata may hold: its defaults for every turn. */
interface ConversationDefaults {
  mcp?: McpSelection
  mcpThinking?: boolean
}

/**
 * Model Context Protocol servers as aimux tools. Stdio servers start on first use and again after
 * they exit; HTTP servers speak Streamable HTTP, or the older SSE transport. A request chooses its
 * servers with `mcp: ['files']` (or a tool allowlist per server), a conversation with the same in
 * its metadata; `ai.close()` ends every server process.
 *
 * @example
 * const ai = await createAI({
 *   plugins: [openai(), mcp({ servers: { files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'] } } })],
 * })
 * await ai.chat({ messages: [{ role: 'user', content: 'What is in notes.txt?' }], mcp: ['files'] })
 */
export function mcp(input: McpOptions): Plugin {
  const options = validate(optionsSchema, input, 'mcp options', ConfigError)
  const { thinking, defaultSelection } = options
  const names = Object.keys(options.servers)
  const selection = selectionSchema(names)
  const defaultsSchema = z.object({ mcp: selection.optional(), mcpThinking: z.boolean().optional() })
  let connections: McpConnection[] = []

  return definePlugin({
    name: 'mcp',
    setup(host) {
      connections = names.map((name) => {
        const config = options.servers[name]!
        return createMcpConnection({
          name,
          config,
          timeoutMs: config.timeoutMs ?? options.timeoutMs,
          connectTimeoutMs: config.connectTimeoutMs ?? options.connectTimeoutMs,
          onEvent: (event) => host.emit('mcp:server', event),
        })
      })
      const api = createMcpApi({
        connections: new Map(connections.map((c) => [c.name, c])),
        mapResult: options.mapResult ?? toolResultContent,
        onCall: (event) => host.emit('mcp:tool-call', event),
      })
      let ai: AI | undefined

      host.extendRequest({
        mcp: selection.optional(),
        mcpThinking: z
          .boolean()
          .refine((on) => !on || thinking !== undefined, 'needs `thinking` in the mcp() options')
          .optional(),
      })
      host.decorate('mcp', api)
      host.onReady((instance) => {
        ai = instance
      })

      /**
       * A conversation's defaults, from `metadata.mcp` and `metadata.mcpThinking`: only those the
       * request leaves open are read and checked, so a turn that chooses for itself is not failed by
       * stale metadata (a server since removed).
       */
      async function conversationDefaults(input: RequestHookInput): Promise<ConversationDefaults> {
        const { request, conversationId } = input
        if (!conversationId || !ai) return {}
        if (request.mcp !== undefined && request.mcpThinking !== undefined) return {}
        const tenant = input.scope.tenantId === undefined ? undefined : { tenantId: input.scope.tenantId }
        const metadata =
          (await ai.store.conversations.getConversation(conversationId, tenant))?.metadata ?? {}
        const open = {
          mcp: request.mcp === undefined ? metadata.mcp : undefined,
          mcpThinking: request.mcpThinking === undefined ? metadata.mcpThinking : undefined,
        }
        return validate(defaultsSchema, open, 'conversation metadata') as ConversationDefaults
      }

      async function think(input: RequestHookInput): Promise<string | undefined> {
        if (!thinking) throw new ConfigError('mcpThinking needs `thinking` in the mcp() options.')
        if (!ai) return undefined
        const server = thinking.server
        const [tool, ...others] = await api.tools(thinking.tool ? { [server]: [thinking.tool] } : [server], {
          signal: input.signal,
        })
        if (!tool || others.length > 0) {
          throw new ConfigError(
            `The MCP thinking server '${server}' has ${tool ? 'several tools' : 'no tools'}: name one as thinking.tool.`,
          )
        }
        return runThinkingStep(ai, tool, input, thinking)
      }

      host.onRequest(async (input): Promise<RequestAdditions | undefined> => {
        const { request } = input
        const saved = await conversationDefaults(input)
        const chosen = request.mcp ?? saved.mcp ?? defaultSelection
        const tools = chosen ? await api.tools(chosen, { signal: input.signal }) : []
        const system = (request.mcpThinking ?? saved.mcpThinking) ? await think(input) : undefined
        if (tools.length === 0 && !system) return undefined
        return { tools, ...(system ? { system } : {}) }
      })
    },
    async dispose() {
      await Promise.all(connections.map((connection) => connection.close()))
    },
  })
}
