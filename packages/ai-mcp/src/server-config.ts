import { z } from 'zod'
import { type McpSelection, selectionSchema } from './mcp-selection.js'
import type { MapToolResult } from './to-aimux-tool.js'

/** A server started as a child process and spoken to over its stdin and stdout. */
export interface StdioServerConfig {
  command: string
  args?: string[]
  /**
   * Added to a small inherited set (HOME, LOGNAME, PATH, SHELL, TERM, USER on Unix), not to the
   * whole environment. The values are treated as secrets: never in errors or events.
   */
  env?: Record<string, string>
  cwd?: string
  /** This server's own per-request timeout; default the plugin's `timeoutMs`. */
  timeoutMs?: number
  /** This server's own start timeout; default the plugin's `connectTimeoutMs`. */
  connectTimeoutMs?: number
}

/** A remote server: Streamable HTTP, falling back to the older HTTP+SSE transport. */
export interface HttpServerConfig {
  url: string
  /** Sent with every request; the values are treated as secrets. */
  headers?: Record<string, string>
  /** Default: Streamable HTTP first, then SSE when the server answers that with a 4xx. */
  transport?: 'streamable-http' | 'sse'
  timeoutMs?: number
  connectTimeoutMs?: number
}

export type McpServerConfig = StdioServerConfig | HttpServerConfig

const serverNamePattern = /^[a-zA-Z0-9_-]{1,63}$/
const serverNameMessage = 'must be 1-63 letters, digits, underscores or dashes'

const timeouts = {
  timeoutMs: z.number().int().positive().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
}

const stdioServerSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  ...timeouts,
})

const httpServerSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  headers: z.record(z.string(), z.string()).optional(),
  transport: z.enum(['streamable-http', 'sse']).optional(),
  ...timeouts,
})

/** One server's configuration: the shape is chosen by `command` or `url`, so errors name the right fields. */
const serverConfigSchema = z.custom<McpServerConfig>().superRefine((value, ctx) => {
  const fields = typeof value === 'object' && value !== null ? value : {}
  const schema = 'command' in fields ? stdioServerSchema : 'url' in fields ? httpServerSchema : undefined
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: 'needs `command` (a stdio server) or `url` (an HTTP server)' })
    return
  }
  const parsed = schema.safeParse(value)
  for (const issue of parsed.error?.issues ?? []) ctx.addIssue({ ...issue, code: 'custom' })
})

export const optionsSchema = z
  .strictObject({
    servers: z.record(z.string(), serverConfigSchema).superRefine((servers, ctx) => {
      const names = Object.keys(servers)
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one server' })
      for (const name of names.filter((n) => !serverNamePattern.test(n)))
        ctx.addIssue({ code: 'custom', message: serverNameMessage, path: [name] })
    }),
    defaultSelection: z.custom<McpSelection>().optional(),
    timeoutMs: z.number().int().positive().default(60_000),
    connectTimeoutMs: z.number().int().positive().default(60_000),
    mapResult: z.custom<MapToolResult>((v) => typeof v === 'function', 'must be a function').optional(),
    thinking: z
      .strictObject({
        server: z.string().min(1),
        tool: z.string().min(1).optional(),
        model: z.string().min(1).optional(),
        maxSteps: z.number().int().min(2).max(100).optional(),
        instructions: z.string().min(1).optional(),
      })
      .optional(),
  })
  .superRefine((options, ctx) => {
    // Server names the other options refer to must be configured.
    const names = Object.keys(options.servers)
    if (options.defaultSelection !== undefined) {
      const parsed = selectionSchema(names).safeParse(options.defaultSelection)
      for (const issue of parsed.error?.issues ?? [])
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['defaultSelection', ...issue.path] })
    }
    if (options.thinking && !names.includes(options.thinking.server)) {
      const message = `unknown MCP server '${options.thinking.server}' (configured: ${names.join(', ')})`
      ctx.addIssue({ code: 'custom', message, path: ['thinking', 'server'] })
    }
  })

export function isStdio(config: McpServerConfig): config is StdioServerConfig {
  return 'command' in config
}

/**
 * The values of a server's env, or its headers (and a header's token without its `Bearer `,
 * `Basic ` or `Token ` scheme, for a message that quotes the token alone) and any credentials in
 * its URL: masked in every message.
 */
export function secretsOf(config: McpServerConfig): string[] {
  if (isStdio(config)) return Object.values(config.env ?? {})
  const url = new URL(config.url)
  const headers = Object.values(config.headers ?? {}).flatMap((value) => {
    const token = /^(?:bearer|basic|token)\s+(.+)$/i.exec(value.trim())?.[1]
    return token ? [value, token] : [value]
  })
  return [...headers, url.password, ...url.searchParams.values()].filter(Boolean)
}
