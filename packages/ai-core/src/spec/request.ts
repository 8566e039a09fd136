import { z } from 'zod'
import { messageSchema } from './message.js'
import { retryPolicySchema, timeoutPolicySchema } from './policy.js'
import type { ToolChoice } from './provider.js'
import { scopeSchema } from './scope.js'
import { type AnyTool, isZodSchema, toolSchema } from './tool.js'

const perWindow = z.number().int().positive().optional()

/**
 * Limits a trusted server sets on one request (the gateway, from a virtual key): spend budgets and
 * rate limits counted under `key`, on top of the instance's own budgets and rate limits. Never let
 * an end user's input reach this field: it is how their limits are enforced.
 */
export const requestLimitsSchema = z.strictObject({
  /**
   * Whom the limits count for: an id (a virtual key's id, never the key itself), as it appears
   * in spend counters, events and errors.
   */
  key: z.string().min(1),
  /** Spend budgets on the key's own counters, reserved with the instance's budgets, all or none. */
  budgets: z
    .array(
      z.strictObject({
        limitUsd: z.number().positive(),
        period: z.enum(['day', 'week', 'month', 'total']),
        /** Fractions of the limit that emit 'budget:threshold' once per period, e.g. [0.8, 1]. */
        thresholds: z.array(z.number().gt(0).max(1)).optional(),
        /** Refuse a call whose estimated cost would pass the limit. Default true; false only watches. */
        hard: z.boolean().optional(),
      }),
    )
    .optional(),
  requestsPerMinute: perWindow,
  requestsPerDay: perWindow,
  tokensPerMinute: perWindow,
  tokensPerDay: perWindow,
})
export type RequestLimits = z.input<typeof requestLimitsSchema>

export const chatRequestSchema = z.strictObject({
  /** "provider:model"; the instance's defaultModel when absent. */
  model: z.string().min(1).optional(),
  /** A system prompt, sent before `messages`. */
  system: z.string().optional(),
  messages: z.array(messageSchema).min(1, 'must hold at least one message'),
  /** Tools, or the names of tools a plugin registered. */
  tools: z.array(z.union([toolSchema, z.string().min(1)])).optional(),
  toolChoice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.object({ type: z.literal('tool'), name: z.string().min(1) }),
    ])
    .optional(),
  /** Model calls in a tool loop, the first included. Default 5 when a tool can execute. */
  maxSteps: z.number().int().min(1).max(100).optional(),
  /** A zod schema: the reply is parsed and validated into `result.object`. */
  schema: z.custom<z.ZodType>(isZodSchema, 'must be a zod schema').optional(),
  schemaName: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes')
    .optional(),
  /**
   * A structured-output format handed to the provider as it is, the reply left unparsed: for a
   * server that forwards its client's format (the gateway) and leaves checking the reply to it.
   * With `schema`, use that instead: one or the other.
   */
  responseFormat: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text') }),
      z.strictObject({
        type: z.literal('json'),
        schema: z.record(z.string(), z.unknown()).optional(),
        name: z
          .string()
          .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes')
          .optional(),
      }),
    ])
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  seed: z.number().int().optional(),
  reasoning: z
    .object({
      effort: z.enum(['low', 'medium', 'high']).optional(),
      budgetTokens: z.number().int().positive().optional(),
    })
    .optional(),
  providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** This request's retries: settings over the instance's, or false for none. */
  retry: z.union([retryPolicySchema.partial(), z.literal(false)]).optional(),
  timeout: timeoutPolicySchema.optional(),
  /** Models to try in order when the requested one fails, instead of the instance's chain. */
  fallbacks: z.array(z.string().min(1)).optional(),
  /** False to skip the response cache for this request, when the instance has one. */
  cache: z.boolean().optional(),
  scope: scopeSchema.optional(),
  /** Per-call budgets and rate limits, set by a trusted server; see `requestLimitsSchema`. */
  limits: requestLimitsSchema.optional(),
  signal: z.instanceof(AbortSignal).optional(),
  requestId: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})

/**
 * Request fields that plugins add (`host.extendRequest`). A plugin package declares its fields
 * here by module augmentation, so that `ai.chat({ mcp: ['files'] })` type-checks:
 *
 * ```ts
 * declare module '@aimux/ai-core' {
 *   interface ChatRequestExtensions { mcp?: string[] }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by plugin packages through augmentation.
export interface ChatRequestExtensions {}

export type ChatRequest<T = unknown> = Omit<
  z.input<typeof chatRequestSchema>,
  'tools' | 'schema' | 'toolChoice'
> & {
  tools?: (AnyTool | string)[]
  toolChoice?: ToolChoice
  schema?: z.ZodType<T>
} & ChatRequestExtensions
