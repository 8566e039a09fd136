import { z } from 'zod'

// The OpenAI Chat Completions request, as the gateway accepts it. Strict: a field the gateway does
// not know is refused by name rather than dropped, so a client never believes a setting applied
// when it did not. Fields OpenAI clients send that change nothing here are accepted and ignored
// (`ignoredFields`); fields the gateway cannot honour are accepted only at their no-op value
// (n: 1, logprobs: false, penalties 0, ...) and refused otherwise. Null means absent, as in
// OpenAI's own API.

/** Accepted and ignored: they change nothing in the answer (`user` goes into the request metadata). */
export const ignoredFields = [
  'store',
  'metadata',
  'parallel_tool_calls',
  'service_tier',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'stream_options.include_obfuscation',
  'user',
] as const

const unsupported = (what = 'is not supported by this gateway') =>
  z
    .unknown()
    .refine((value) => value === null, what)
    .optional()

const toolName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes')

const textPart = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  prompt_cache_breakpoint: z.unknown().optional(),
})

const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
  prompt_cache_breakpoint: z.unknown().optional(),
})

const refusalPart = z.strictObject({ type: z.literal('refusal'), refusal: z.string() })

const textContent = z.union([z.string(), z.array(textPart).min(1)], {
  error: 'must be a string or an array of text parts',
})

const toolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function', { error: "only 'function' tool calls are supported" }),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
})

const systemMessage = z.strictObject({
  role: z.enum(['system', 'developer']),
  content: textContent,
  name: z.string().optional(),
})

const userMessage = z.strictObject({
  role: z.literal('user'),
  content: z.union([
    z.string(),
    z
      .array(
        z.discriminatedUnion('type', [textPart, imagePart], {
          error: "only 'text' and 'image_url' parts are supported",
        }),
      )
      .min(1),
  ]),
  name: z.string().optional(),
})

const assistantMessage = z.strictObject({
  role: z.literal('assistant'),
  content: z
    .union([
      z.string(),
      z.array(
        z.discriminatedUnion('type', [textPart, refusalPart], {
          error: "only 'text' and 'refusal' parts are supported",
        }),
      ),
    ])
    .nullish(),
  refusal: z.string().nullish(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  // What a client sends back when it echoes a previous answer into the history.
  annotations: z.array(z.unknown()).optional(),
  audio: unsupported('audio replies are not supported by this gateway'),
  function_call: unsupported('is deprecated and not supported: use tool_calls'),
})

const toolMessage = z.strictObject({
  role: z.literal('tool'),
  content: textContent,
  tool_call_id: z.string().min(1),
})

const message = z.discriminatedUnion(
  'role',
  [
    systemMessage.extend({ role: z.literal('system') }),
    systemMessage.extend({ role: z.literal('developer') }),
    userMessage,
    assistantMessage,
    toolMessage,
  ],
  { error: "role must be 'system', 'developer', 'user', 'assistant' or 'tool'" },
)

const functionTool = z.strictObject({
  type: z.literal('function', { error: "only 'function' tools are supported" }),
  function: z.strictObject({
    name: toolName,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
})

const toolChoice = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: toolName }) }),
  ],
  { error: "must be 'none', 'auto', 'required' or { type: 'function', function: { name } }" },
)

const responseFormat = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('text') }),
    z.strictObject({ type: z.literal('json_object') }),
    z.strictObject({
      type: z.literal('json_schema'),
      json_schema: z.strictObject({
        name: toolName,
        description: z.string().optional(),
        schema: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  { error: "type must be 'text', 'json_object' or 'json_schema'" },
)

const noOp = <T>(schema: z.ZodType<T>, isNoOp: (value: T) => boolean, what: string) =>
  schema.nullish().refine((value) => value === undefined || value === null || isNoOp(value), what)

export const chatCompletionRequestSchema = z.strictObject({
  model: z.string({ error: 'is required' }).min(1, 'is required'),
  messages: z.array(message, { error: 'is required' }).min(1, 'must hold at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z
    .strictObject({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() })
    .nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  response_format: responseFormat.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  reasoning_effort: z.enum(['low', 'medium', 'high']).nullish(),
  user: z.string().nullish(),
  // Accepted, and ignored: see `ignoredFields`.
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  service_tier: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  prompt_cache_options: z.record(z.string(), z.unknown()).nullish(),
  // Accepted only at the value that changes nothing.
  n: noOp(z.number().int(), (n) => n === 1, 'only 1 is supported'),
  logprobs: noOp(z.boolean(), (on) => !on, 'is not supported: only false'),
  top_logprobs: noOp(z.number().int(), (n) => n === 0, 'is not supported: only 0'),
  frequency_penalty: noOp(z.number(), (p) => p === 0, 'is not supported: only 0'),
  presence_penalty: noOp(z.number(), (p) => p === 0, 'is not supported: only 0'),
  logit_bias: noOp(
    z.record(z.string(), z.number()),
    (bias) => Object.keys(bias).length === 0,
    'is not supported: only {}',
  ),
  modalities: noOp(
    z.array(z.string()),
    (list) => list.every((m) => m === 'text'),
    "is not supported beyond ['text']",
  ),
  audio: unsupported(),
  prediction: unsupported(),
  web_search_options: unsupported(),
  verbosity: unsupported(),
  moderation: unsupported(),
  functions: unsupported('is deprecated and not supported: use tools'),
  function_call: unsupported('is deprecated and not supported: use tool_choice'),
})

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>
export type ChatCompletionMessage = ChatCompletionRequest['messages'][number]
