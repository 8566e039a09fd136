import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { isGroupRef, resolveAlias } from '../call/prepare-call.js'
import { type PriceEntryInput, priceEntrySchema } from '../cost/price-catalog.js'
import { ConfigError } from '../errors/errors.js'
import { type BudgetInput, budgetSchema, DEFAULT_RESERVATION_MAX_MS } from '../middleware/budget-guard.js'
import { budgetLeasesSchema } from '../middleware/budget-leases.js'
import { circuitBreakerSchema } from '../middleware/circuit-breaker.js'
import { type RateLimitsInput, rateLimitsSchema } from '../middleware/rate-limiter.js'
import { responseCacheSchema } from '../middleware/response-cache.js'
import { modelGroupSchema } from '../middleware/router.js'
import { type TrimStrategy, trimOldestFirst } from '../spec/context-window.js'
import { parseModelRef } from '../spec/model.js'
import { retryPolicySchema, timeoutPolicySchema } from '../spec/policy.js'
import type { Registry } from '../spec/registry.js'
import { loggerSchema } from './logger.js'
import type { Plugin } from './plugin.js'
import { DEFAULT_CLOSE_TIMEOUT_MS } from './shut-down.js'

const fn = (v: unknown) => typeof v === 'function'

const optionFields = z.strictObject({
  plugins: z
    .array(
      z.looseObject({
        name: z.string().min(1, 'a plugin needs a name'),
        setup: z.custom<Plugin['setup']>(fn, 'must be a function'),
        dispose: z.custom<NonNullable<Plugin['dispose']>>(fn, 'must be a function').optional(),
      }),
    )
    .default([]),
  /** The model of a request that names none: "provider:model", "@group" or an alias. */
  defaultModel: z.string().min(1).optional(),
  /**
   * Short names for "provider:model" or "@group" (`{ fast: 'openai:gpt-4o-mini' }`), usable wherever
   * a request, `defaultModel` or a fallback names a model.
   */
  aliases: z
    .record(
      z.string(),
      z
        .string()
        .refine(
          (v) => isGroupRef(v) || parseModelRef(v) !== undefined,
          'must name "provider:model" or "@group"',
        ),
    )
    .default({}),
  /** Your own prices; they win over built-in and synced ones. */
  prices: z.array(priceEntrySchema).default([]),
  /** Model calls per request in a tool loop, when the request does not say. */
  maxSteps: z.number().int().min(1).max(100).default(5),
  /** How a conversation's history is cut to fit the model's context window. */
  trimStrategy: z.custom<TrimStrategy>(fn, 'must be a function').default(() => trimOldestFirst),
  /** Retries of failed attempts (on by default: 3 attempts); false turns them off. */
  retry: z.union([retryPolicySchema.partial(), z.literal(false)]).optional(),
  /**
   * Per-attempt, stream-idle and total timeouts; on by default (5 min, 60 s, 10 min: see
   * `defaultTimeouts`), each turned off with `false` or 0.
   */
  timeout: timeoutPolicySchema.default({}),
  /** A circuit breaker per provider and model; off unless given (`{}` for the defaults). */
  circuitBreaker: circuitBreakerSchema.optional(),
  /** Per "provider:model", the models to try in order when it fails. */
  fallbacks: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /** Per "provider:model", a larger-context model for prompts that do not fit. */
  contextFallbacks: z.record(z.string(), z.string().min(1)).default({}),
  /** Per "provider:model", a model to ask again when a reply is stopped by a content filter. */
  contentFilterFallbacks: z.record(z.string(), z.string().min(1)).default({}),
  /** Model groups a request names as `model: '@name'`, each with a routing strategy. */
  groups: z
    .record(
      z.string().regex(/^[a-z0-9._-]+$/, 'must be lowercase letters, digits, dots, dashes or underscores'),
      modelGroupSchema,
    )
    .default({}),
  /** Requests and tokens per minute and per day, per user, tenant, provider or model. */
  rateLimits: rateLimitsSchema.optional(),
  /** An in-memory cache of complete answers; off unless given (`{}` for the defaults). */
  cache: responseCacheSchema.optional(),
  /** Spend limits with thresholds; see docs/budgets.md. */
  budgets: z.array(budgetSchema).default([]),
  /**
   * A call to a model without a price under a hard budget: 'refuse' (the default) fails it before
   * anything is sent; 'allow' lets it through at cost 0. Either way 'cost:unpriced' is emitted.
   */
  unpricedModels: z.enum(['refuse', 'allow']).default('refuse'),
  /**
   * The longest a budget reservation is held, in milliseconds (default 15 minutes). A reservation
   * expires at its call's deadline plus a minute, or after this long, whichever comes first, so a
   * process killed mid-call does not hold a budget's room for good.
   */
  budgetReservationMaxMs: z.number().int().positive().default(DEFAULT_RESERVATION_MAX_MS),
  /**
   * How calls reserve their budgets in a store plugin's spend counters (SQLite, PostgreSQL): in
   * leases, slices of each budget reserved in the store and spent in memory by the calls that
   * follow (the default, `{}`; see docs/budgets.md), or `false`: a store transaction before and
   * after every call. The in-memory store, which no other process shares, is always asked per call.
   */
  budgetLeases: z.union([z.literal(false), budgetLeasesSchema]).default({}),
  /**
   * A pino-compatible logger (`debug`, `info`, `warn`, `error`, each called `(obj, msg)`; `console`
   * works too): failures at error, retries, fallbacks and unpriced models at warn, each model
   * call's route, timing and cost at debug (with `AIMUX_DEBUG=1`, or when the logger's debug level
   * is enabled). Every line has keys and bearer tokens masked. See docs/observability.md.
   */
  logger: loggerSchema.optional(),
  /** Generates request, conversation and message ids. */
  generateId: z.custom<() => string>(fn, 'must be a function').default(() => randomUUID),
})

/** The options of `createAI()`, checked before any plugin is set up. */
export const createAIOptionsSchema = optionFields.superRefine(checkNames, { when: () => true })

export type CreateAIOptions = Omit<
  z.input<typeof createAIOptionsSchema>,
  'plugins' | 'prices' | 'budgets' | 'rateLimits'
> & {
  rateLimits?: RateLimitsInput
  budgets?: BudgetInput[]
  plugins?: Plugin[]
  prices?: PriceEntryInput[]
}

/** The options as validated, defaults filled in. */
export type CreateAIConfig = z.output<typeof createAIOptionsSchema>

/** The options of `ai.close()`. */
export const closeOptionsSchema = z.strictObject({
  /** How long to wait for calls in flight and background work before aborting what still runs. */
  timeoutMs: z.number().int().min(0).default(DEFAULT_CLOSE_TIMEOUT_MS),
})

export type CloseOptions = z.input<typeof closeOptionsSchema>

/** Alias names, and a default model that is neither "provider:model" nor "@group" nor an alias. */
function checkNames(options: Record<string, unknown>, ctx: z.RefinementCtx) {
  const aliases = isRecord(options.aliases) ? options.aliases : {}
  for (const name of Object.keys(aliases)) {
    if (name === '' || name.includes(':') || name.startsWith('@')) {
      ctx.addIssue({
        code: 'custom',
        path: ['aliases', name],
        message: `'${name}' cannot be an alias: an alias name is not empty, has no ":" and does not start with "@"`,
      })
    }
  }
  const model = options.defaultModel
  if (typeof model !== 'string' || model === '') return
  if (isGroupRef(model) || parseModelRef(model) !== undefined || Object.hasOwn(aliases, model)) return
  ctx.addIssue({
    code: 'custom',
    path: ['defaultModel'],
    message: 'must be written "provider:model", e.g. "openai:gpt-4o-mini", or name a "@group" or an alias',
  })
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The options with every alias among the fallbacks (models and the models they fall back from)
 * written as the "provider:model" it names, so fallback chains deal in models only. An alias of a
 * group is a ConfigError there: a fallback is one model.
 */
export function withFallbackAliases(config: CreateAIConfig): CreateAIConfig {
  const { aliases } = config
  if (Object.keys(aliases).length === 0) return config
  const model = (ref: string, field: string) => {
    const target = resolveAlias(aliases, ref)
    if (isGroupRef(target)) {
      throw new ConfigError(
        `${field}: the alias '${ref}' names the group '${target}', but a fallback is one "provider:model".`,
      )
    }
    return target
  }
  const keyed = <T>(field: string, map: Record<string, T>, value: (v: T, key: string) => T) => {
    const out: Record<string, T> = {}
    for (const [from, to] of Object.entries(map)) {
      const key = model(from, field)
      if (Object.hasOwn(out, key)) {
        throw new ConfigError(`${field}: '${from}' and another entry both name '${key}'.`)
      }
      out[key] = value(to, `${field}['${from}']`)
    }
    return out
  }
  return {
    ...config,
    fallbacks: keyed('fallbacks', config.fallbacks, (to, at) =>
      to.map((ref, i) => model(ref, `${at}[${i}]`)),
    ),
    contextFallbacks: keyed('contextFallbacks', config.contextFallbacks, (to, at) => model(to, at)),
    contentFilterFallbacks: keyed('contentFilterFallbacks', config.contentFilterFallbacks, (to, at) =>
      model(to, at),
    ),
  }
}

/**
 * Checks, once plugins have registered their providers, that every alias and the default model
 * name a registered provider or a configured group. A ConfigError names the alias; a default model
 * written "provider:model" fails as any request for it would.
 */
export function checkModelNames(config: CreateAIConfig, registry: Registry): void {
  const groups = Object.keys(config.groups)
  const checkGroup = (ref: string, what: string) => {
    if (groups.includes(ref.slice(1))) return
    const known = groups.map((g) => `@${g}`).join(', ') || 'none'
    throw new ConfigError(`${what} names an unknown model group '${ref}'. Groups: ${known}.`)
  }
  for (const [name, target] of Object.entries(config.aliases)) {
    if (isGroupRef(target)) {
      checkGroup(target, `The alias '${name}'`)
      continue
    }
    try {
      registry.resolve(target)
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause)
      throw new ConfigError(`The alias '${name}' names '${target}': ${reason}`, { cause })
    }
  }
  const model = config.defaultModel
  if (model === undefined || Object.hasOwn(config.aliases, model)) return
  if (isGroupRef(model)) checkGroup(model, 'defaultModel')
  else registry.resolve(model)
}
