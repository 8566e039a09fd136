import { z } from 'zod'

/**
 * Which servers a request uses, and which of their tools: `['files']` for every tool of `files`,
 * or `{ files: ['read_file'], everything: true }` for an allowlist per server (tools by their
 * MCP names). `[]` uses none.
 */
export type McpSelection = string[] | Record<string, true | string[]>

/** Per chosen server, the allowed MCP tool names, or undefined for all of them. */
export type ResolvedSelection = ReadonlyMap<string, ReadonlySet<string> | undefined>

/** The zod schema of a selection, refusing servers that are not configured. */
export function selectionSchema(servers: readonly string[]): z.ZodType<McpSelection> {
  const unknown = (name: string) => `unknown MCP server '${name}' (configured: ${servers.join(', ')})`
  return z
    .union([
      z.array(z.string()),
      z.record(z.string(), z.union([z.literal(true), z.array(z.string().min(1))])),
    ])
    .superRefine((selection, ctx) => {
      const names = Array.isArray(selection) ? selection : Object.keys(selection)
      names.forEach((name, index) => {
        if (!servers.includes(name))
          ctx.addIssue({
            code: 'custom',
            message: unknown(name),
            path: [Array.isArray(selection) ? index : name],
          })
      })
    })
}

export function resolveSelection(selection: McpSelection): ResolvedSelection {
  if (Array.isArray(selection)) return new Map(selection.map((server) => [server, undefined]))
  return new Map(
    Object.entries(selection).map(([server, tools]) => [server, tools === true ? undefined : new Set(tools)]),
  )
}
