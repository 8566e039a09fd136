import { z } from 'zod'

/** What a connection authenticates with; handed to the adapter as the call's credentials. */
export const credentialsSchema = z.strictObject({
  apiKey: z.string().min(1, 'must not be empty'),
  /** Where the provider is reached with this key, when not the adapter's own base URL. */
  baseURL: z.url('must be a URL, e.g. https://api.openai.com/v1').optional(),
  organization: z.string().min(1, 'must not be empty').optional(),
  project: z.string().min(1, 'must not be empty').optional(),
  /** Extra headers; their values are treated as secrets too. */
  headers: z.record(z.string(), z.string()).optional(),
})
export type ConnectionCredentials = z.output<typeof credentialsSchema>

const count = z.number().int('must be a whole number').positive('must be positive').optional()

/** Counted by each instance in memory over sliding windows. */
export const limitsSchema = z.strictObject({
  requestsPerMinute: count,
  requestsPerDay: count,
  tokensPerMinute: count,
})
export type ConnectionLimits = z.output<typeof limitsSchema>

export const connectionIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9][\w.:@-]*$/, 'must be letters, digits, dots, dashes, underscores, colons or @')

const statusSchema = z.enum(['active', 'retiring', 'disabled'])

const settings = {
  /** The provider id, as in "openai:gpt-4o-mini". */
  provider: z.string().min(1, 'must name a provider, e.g. "openai"'),
  /** A label for people; default: the id. */
  name: z.string().min(1, 'must not be empty').optional(),
  /** Higher first; connections of equal priority share calls by weight. Default 0. */
  priority: z.number().default(0),
  /** This connection's share of calls among those of its priority. Default 1. */
  weight: z.number().positive('must be positive').default(1),
  limits: limitsSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
}

/**
 * A connection as written in the plugin options or passed to `ai.connections.add()`. Without a
 * `status`, a new connection is active and a known one keeps the status it has in the store.
 */
export const connectionSchema = z.strictObject({
  id: connectionIdSchema,
  credentials: credentialsSchema,
  status: statusSchema.optional(),
  disabledReason: z.string().min(1, 'must not be empty').optional(),
  ...settings,
})
export type ConnectionInput = z.input<typeof connectionSchema>
export type ConnectionConfig = z.output<typeof connectionSchema>

/** What `ai.connections.update()` may change; `limits: null` removes the limits. */
export const connectionPatchSchema = z.strictObject({
  name: settings.name,
  priority: z.number().optional(),
  weight: settings.weight.optional(),
  limits: limitsSchema.nullable().optional(),
  metadata: settings.metadata,
  credentials: credentialsSchema.optional(),
})
export type ConnectionPatch = z.input<typeof connectionPatchSchema>

/** Every connection id once: a second use of an id is reported on its own path. */
export const connectionListSchema = z.array(connectionSchema).superRefine((connections, ctx) => {
  const seen = new Set<string>()
  for (const [index, connection] of connections.entries()) {
    if (seen.has(connection.id))
      ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `'${connection.id}' is used twice` })
    seen.add(connection.id)
  }
})

/** The secret strings of a set of credentials: the key and every header value. */
export function secretsOf(credentials: ConnectionCredentials): string[] {
  return [credentials.apiKey, ...Object.values(credentials.headers ?? {})]
}
