import { z } from 'zod'
import { type ProviderMetadata, providerMetadataSchema } from './message.js'
import type { Scope } from './scope.js'

/** A JSON Schema object, passed to providers as it is. */
export type JsonSchema = Record<string, unknown>

export interface ToolContext {
  requestId: string
  toolCallId: string
  scope: Scope
  signal: AbortSignal
}

/**
 * A tool the model may call. `parameters` is a zod schema (arguments are then validated and
 * typed) or a JSON schema. With `execute`, the core runs the tool loop itself; without it, the
 * tool calls are returned to the caller.
 */
export interface Tool<Args = unknown, Result = unknown> {
  name: string
  description?: string
  parameters: z.ZodType<Args> | JsonSchema
  execute?: (args: Args, ctx: ToolContext) => Result | Promise<Result>
  /** Per-provider extras for the tool's definition, e.g. `{ anthropic: { cacheControl: { type: 'ephemeral' } } }`. */
  providerMetadata?: ProviderMetadata
}

/** A tool of any argument and result type, as registries and requests hold them. */
// biome-ignore lint/suspicious/noExplicitAny: a tool's argument type is its own business
export type AnyTool = Tool<any, any>

/** The provider-facing form of a tool: its JSON schema. */
export interface ToolSpec {
  name: string
  description?: string
  parameters: JsonSchema
  providerMetadata?: ProviderMetadata
}

/** A tool call made by the model, with its arguments parsed from JSON. */
export interface ToolCall {
  id: string
  name: string
  args: unknown
  providerMetadata?: ProviderMetadata
}

/** Typed helper: `defineTool({ name, parameters: z.object(...), execute: (args) => ... })`. */
export function defineTool<S extends z.ZodType, R>(tool: {
  name: string
  description?: string
  parameters: S
  execute?: (args: z.output<S>, ctx: ToolContext) => R | Promise<R>
  providerMetadata?: ProviderMetadata
}): Tool<z.output<S>, R> {
  return tool as Tool<z.output<S>, R>
}

export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}

/** Turns a zod or JSON schema into the JSON schema providers receive. */
export function toJsonSchema(schema: z.ZodType | JsonSchema): JsonSchema {
  if (!isZodSchema(schema)) return schema
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema
  return json
}

export function toToolSpec(tool: Tool): ToolSpec {
  const spec: ToolSpec = {
    name: tool.name,
    parameters: toJsonSchema(tool.parameters as z.ZodType | JsonSchema),
  }
  if (tool.description !== undefined) spec.description = tool.description
  if (tool.providerMetadata !== undefined) spec.providerMetadata = tool.providerMetadata
  return spec
}

export const toolSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-zA-Z0-9_-]{1,64}$/,
      'must be 1-64 letters, digits, underscores or dashes (what providers accept)',
    ),
  description: z.string().optional(),
  parameters: z
    .custom<z.ZodType | JsonSchema>(
      (value) => typeof value === 'object' && value !== null,
      'must be a zod schema or a JSON schema object',
    )
    .refine((value) => isZodSchema(value) || !('_def' in value), 'is a zod 3 schema; aimux needs zod 4'),
  execute: z
    .custom<(...args: never[]) => unknown>((v) => v === undefined || typeof v === 'function')
    .optional(),
  providerMetadata: providerMetadataSchema.optional(),
})
