import { createAIOptionsSchema } from '@aimux/ai-core'
import { z } from 'zod'
import { envName, passwordlessUrl } from './env-name.js'
import { gatewayConfigSchema } from './gateway-config.js'
import { knownProviderOfPackage, knownProviders } from './known-packages.js'
import { literalSecrets } from './secret-values.js'

const core = createAIOptionsSchema.shape

/** Options passed to a package's factory; a secret in them must come from the environment. */
const factoryOptions = <T extends z.ZodType>(schema: T, advice: string) =>
  schema.superRefine((value, ctx) => {
    for (const path of literalSecrets(value)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `a secret in a config file ends up in git: ${advice}`,
      })
    }
  })

const providerSchema = z.strictObject({
  package: z
    .string()
    .min(1)
    .optional()
    .describe('The package that provides it; the built-in ids (openai, anthropic, ...) need none.'),
  export: z
    .string()
    .min(1)
    .optional()
    .describe("The factory the package exports; default the package's own (openai for @aimux/ai-openai)."),
  apiKeyEnv: envName
    .optional()
    .describe(
      "The environment variable holding the API key; default the adapter's own (OPENAI_API_KEY, ...).",
    ),
  baseURL: z
    .url()
    .refine(
      (url) => !URL.canParse(url) || new URL(url).password === '',
      'holds a password, which would end up in git with this file: use apiKeyEnv for the key',
    )
    .optional()
    .describe("Where the provider's API is (Ollama's host); default the provider's own."),
  options: factoryOptions(
    z.record(z.string(), z.unknown()),
    'set apiKeyEnv to the name of the environment variable that holds the key',
  )
    .optional()
    .describe('More options for the factory, as its package documents them; never a key.'),
})

const providerId = /^[a-z0-9][a-z0-9._-]*$/
const builtIn = Object.keys(knownProviders).join(', ')

const providersSchema = z.record(z.string(), providerSchema).superRefine(
  (providers, ctx) => {
    if (typeof providers !== 'object' || providers === null) return
    for (const [id, entry] of Object.entries(providers)) {
      if (!providerId.test(id)) {
        ctx.addIssue({
          code: 'custom',
          path: [id],
          message: `'${id}' cannot be a provider id: use lowercase letters, digits, dots, dashes or underscores`,
        })
      }
      const pkg = typeof entry?.package === 'string' ? entry.package : undefined
      if (pkg === undefined && !knownProviders[id]) {
        ctx.addIssue({
          code: 'custom',
          path: [id, 'package'],
          message: `'${id}' is not a built-in provider (${builtIn}): name the package that provides it`,
        })
      }
      const known = pkg === undefined ? knownProviders[id] : knownProviderOfPackage(pkg)
      if (known && !known.takesId && known.id !== id) {
        ctx.addIssue({
          code: 'custom',
          path: [id],
          message: `${known.package} registers the provider '${known.id}': name this entry '${known.id}'`,
        })
      }
    }
  },
  { when: () => true },
)

const storeSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('memory') }),
    z.strictObject({
      type: z.literal('sqlite'),
      path: z
        .string()
        .min(1)
        .default('.aimux/aimux.db')
        .describe("The database file, relative to the config file's folder."),
      busyTimeoutMs: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe("How long a write waits for another connection's lock; default 5000."),
    }),
    z
      .strictObject({
        type: z.literal('postgres'),
        urlEnv: envName
          .optional()
          .describe('The environment variable holding the connection URL; default DATABASE_URL.'),
        url: passwordlessUrl('urlEnv')
          .optional()
          .describe("A connection URL without a password (a password belongs in urlEnv's variable)."),
        schema: z
          .string()
          .min(1)
          .optional()
          .describe("The PostgreSQL schema of the store's tables; default aimux."),
        connectTimeoutMs: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('How long opening a connection may take, in milliseconds; default 10000.'),
      })
      .refine((store) => store.url === undefined || store.urlEnv === undefined, {
        message: 'give url or urlEnv, not both',
        path: ['url'],
      }),
  ])
  .default({ type: 'memory' })

const redisSchema = z
  .strictObject({
    urlEnv: envName.optional().describe('The environment variable holding the Redis URL; default REDIS_URL.'),
    url: passwordlessUrl('urlEnv')
      .optional()
      .describe("A Redis URL without a password (a password belongs in urlEnv's variable)."),
    prefix: z.string().min(1).optional().describe('Put before every key; default aimux:.'),
    share: z
      .strictObject({
        rateLimits: z.boolean().optional(),
        responseCache: z.boolean().optional(),
        circuits: z.boolean().optional(),
      })
      .optional()
      .describe('Which state goes to Redis; each true by default.'),
    connectTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('How long connecting may take, in milliseconds; default 10000.'),
  })
  .refine((redis) => redis.url === undefined || redis.urlEnv === undefined, {
    message: 'give url or urlEnv, not both',
    path: ['url'],
  })

const days = z.number().positive('must be more than 0 days')
const retentionAction = z
  .enum(['delete', 'archive'])
  .optional()
  .describe('delete (with their messages) or archive (hidden from lists); default archive.')
const intervalMs = z.number().int().min(1_000, 'must be at least 1000 (one second)')

const scheduleSchema = z.strictObject({
  modelSync: z
    .union([z.literal(false), z.strictObject({ everyMs: intervalMs.optional() })])
    .optional()
    .describe('models.sync() every everyMs (default every hour, on the hour); false turns it off.'),
  retention: z
    .strictObject({
      everyMs: intervalMs.optional().describe('How often retention runs; default every day.'),
      conversations: z
        .strictObject({
          olderThanDays: days.optional().describe('Conversations inactive for longer than this many days.'),
          action: retentionAction,
          tenants: z
            .record(z.string().min(1), z.strictObject({ olderThanDays: days, action: retentionAction }))
            .optional()
            .describe('Per tenant, its own policy instead of the general one.'),
        })
        .optional(),
      usage: z
        .strictObject({
          keepRecordsDays: days.describe(
            'Usage records older than this are deleted; their per-day sums stay.',
          ),
        })
        .optional(),
    })
    .optional()
    .describe('Deletes or archives old conversations and compacts old usage records.'),
  leaseMs: intervalMs
    .optional()
    .describe('How long a run that never finished holds its slot; default 15 minutes.'),
})

const pluginSchema = z.strictObject({
  package: z.string().min(1).describe('The package, installed beside the config file.'),
  export: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The factory the package exports; default the package's own (rotation for @aimux/ai-rotation).",
    ),
  options: factoryOptions(z.unknown(), 'write { "$env": "NAME" } and set the environment variable NAME')
    .optional()
    .describe('What the factory is called with; { "$env": "NAME" } anywhere in it reads that variable.'),
})

/**
 * The aimux config file: providers, store, shared state, plugins, the `createAI()` options that
 * are data (models, aliases, groups, fallbacks, budgets, limits, cache, retries, timeouts) and the
 * gateway's. Strict: an unknown field is an error, so a typo does not pass silently.
 */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema an editor checks this file against.'),
    providers: providersSchema
      .default({})
      .describe(
        'Providers by id ("openai" in "openai:gpt-4o-mini"): built-in ids, or any id with its package.',
      ),
    store: storeSchema.describe('Where conversations, usage, budgets and the model catalog are kept.'),
    redis: redisSchema
      .optional()
      .describe(
        'Rate-limit windows, the response cache and circuit state shared by instances (@aimux/redis).',
      ),
    schedule: scheduleSchema
      .optional()
      .describe(
        'Scheduled work (@aimux/schedule): model sync and retention, run once across instances sharing the store.',
      ),
    plugins: z
      .array(pluginSchema)
      .default([])
      .describe('More plugins, each made by its package: rotation, MCP, otel.'),
    defaultModel: core.defaultModel.describe(
      'The model of a request that names none: "provider:model", "@group" or an alias.',
    ),
    aliases: core.aliases.describe('Short names for "provider:model" or "@group".'),
    groups: core.groups.describe('Model groups a request names as "@name", each with a routing strategy.'),
    fallbacks: core.fallbacks.describe('Per model, the models to try in order when it fails.'),
    contextFallbacks: core.contextFallbacks.describe(
      'Per model, a larger-context model for prompts that do not fit.',
    ),
    contentFilterFallbacks: core.contentFilterFallbacks.describe(
      'Per model, a model to ask again when a reply is stopped by a content filter.',
    ),
    prices: core.prices.describe(
      'Your own prices in USD per million tokens; they win over built-in and synced ones.',
    ),
    maxSteps: core.maxSteps.describe('Model calls per request in a tool loop; default 5.'),
    retry: core.retry.describe('Retries of failed attempts (3 attempts by default); false turns them off.'),
    timeout: core.timeout.describe(
      'Per-attempt, stream-idle and total timeouts in milliseconds; false or 0 is off.',
    ),
    circuitBreaker: core.circuitBreaker.describe(
      'A circuit breaker per provider and model; {} for the defaults.',
    ),
    rateLimits: core.rateLimits.describe(
      'Requests and tokens per minute and per day, per user, tenant, provider or model.',
    ),
    cache: core.cache.describe('A cache of complete answers; {} for the defaults.'),
    budgets: core.budgets.describe('Spend limits with thresholds.'),
    unpricedModels: core.unpricedModels.describe(
      'Under a hard budget, a model without a price: refuse (the default) or allow at cost 0.',
    ),
    budgetReservationMaxMs: core.budgetReservationMaxMs.describe(
      'The longest a budget reservation is held, in milliseconds; default 15 minutes.',
    ),
    budgetLeases: core.budgetLeases.describe(
      'How calls reserve budgets in a shared store: leases { share, calls, openMs } ({} by default), or false for a store transaction per call.',
    ),
    gateway: gatewayConfigSchema.describe('What aimux-gateway listens on and accepts.'),
  })
  .superRefine((config, ctx) => {
    // What createAI checks across fields (alias names, a default model that names an alias), once
    // both fields are valid on their own: each mistake is reported once.
    const names = { aliases: config.aliases, defaultModel: config.defaultModel }
    if (!core.aliases.safeParse(names.aliases).success) return
    if (!core.defaultModel.safeParse(names.defaultModel).success) return
    const checked = createAIOptionsSchema.safeParse(names)
    for (const issue of checked.success ? [] : checked.error.issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
    }
  })

export type AimuxConfigInput = z.input<typeof configSchema>
export type AimuxConfig = z.output<typeof configSchema>

/** The fields of a config that are `createAI()` options as they are. */
export function coreOptions(config: AimuxConfig) {
  const {
    $schema: _schema,
    providers: _providers,
    store: _store,
    redis: _redis,
    schedule: _schedule,
    plugins: _plugins,
    gateway: _gateway,
    ...options
  } = config
  return options
}
