import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { type AIStream, createAIStream } from '../call/ai-stream.js'
import { createInFlight } from '../call/in-flight.js'
import { createModelCatalog, type ModelCatalog } from '../call/model-catalog.js'
import type { RequestHook } from '../call/request-hook.js'
import { drain, prepareCall, type Runtime, runChat } from '../call/run-chat.js'
import { createUsageSink } from '../call/usage-sink.js'
import {
  type Conversation,
  type ConversationOptions,
  openConversation,
} from '../conversation/conversation.js'
import { createPriceCatalog, type PriceEntryInput, priceEntrySchema } from '../cost/price-catalog.js'
import { ClosedError, ConfigError, StoreError, toAimuxError, ValidationError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus, type EventBus } from '../events/event-bus.js'
import { attemptTimeoutMiddleware } from '../middleware/attempt-timeout.js'
import { type BudgetInput, budgetSchema, createBudgetGuard } from '../middleware/budget-guard.js'
import { circuitBreakerMiddleware, circuitBreakerSchema } from '../middleware/circuit-breaker.js'
import { fallbackMiddleware } from '../middleware/fallback.js'
import type { Middleware } from '../middleware/middleware.js'
import { type RateLimitsInput, rateLimitMiddleware, rateLimitsSchema } from '../middleware/rate-limiter.js'
import { responseCacheMiddleware, responseCacheSchema } from '../middleware/response-cache.js'
import { retryMiddleware } from '../middleware/retry.js'
import { createRouter, modelGroupSchema } from '../middleware/router.js'
import type { Credentials } from '../spec/call-context.js'
import { newContext } from '../spec/call-context.js'
import { type TrimStrategy, trimOldestFirst } from '../spec/context-window.js'
import { parseModelRef } from '../spec/model.js'
import { retryPolicySchema, timeoutPolicySchema } from '../spec/policy.js'
import { createRegistry } from '../spec/registry.js'
import { type ChatRequest, chatRequestSchema } from '../spec/request.js'
import type { ChatResult } from '../spec/result.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { Store, UsageAggregate, UsageQuery, UsageRecord } from '../store/store.js'
import type { Plugin, PluginHost } from './plugin.js'

const fn = (v: unknown) => typeof v === 'function'

const optionsSchema = z.strictObject({
  plugins: z
    .array(
      z.looseObject({
        name: z.string().min(1, 'a plugin needs a name'),
        setup: z.custom<Plugin['setup']>(fn, 'must be a function'),
        dispose: z.custom<NonNullable<Plugin['dispose']>>(fn, 'must be a function').optional(),
      }),
    )
    .default([]),
  defaultModel: z
    .string()
    .refine(
      (v) => parseModelRef(v) !== undefined,
      'must be written "provider:model", e.g. "openai:gpt-4o-mini"',
    )
    .optional(),
  /** Your own prices; they win over built-in and synced ones. */
  prices: z.array(priceEntrySchema).default([]),
  /** Model calls per request in a tool loop, when the request does not say. */
  maxSteps: z.number().int().min(1).max(100).default(5),
  /** How a conversation's history is cut to fit the model's context window. */
  trimStrategy: z.custom<TrimStrategy>(fn, 'must be a function').default(() => trimOldestFirst),
  /** Retries of failed attempts (on by default: 3 attempts); false turns them off. */
  retry: z.union([retryPolicySchema.partial(), z.literal(false)]).optional(),
  /** Per-attempt and total timeouts; none by default. */
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
  /** Generates request, conversation and message ids. */
  generateId: z.custom<() => string>(fn, 'must be a function').default(() => randomUUID),
})

export type CreateAIOptions = Omit<
  z.input<typeof optionsSchema>,
  'plugins' | 'prices' | 'budgets' | 'rateLimits'
> & {
  rateLimits?: RateLimitsInput
  budgets?: BudgetInput[]
  plugins?: Plugin[]
  prices?: PriceEntryInput[]
}

/** What every instance has, whatever its plugins; `AI` adds what plugins declare. */
export interface CoreAI {
  /** One request, with tools run up to maxSteps; resolves to the aggregated result. */
  chat<T = unknown>(request: ChatRequest<T>): Promise<ChatResult<T>>
  /** The same, as parts arrive. Invalid requests throw here, before anything is sent. */
  stream<T = unknown>(request: ChatRequest<T>): AIStream<T>
  /** Creates or loads a persisted conversation. */
  conversation(options?: ConversationOptions): Promise<Conversation>
  on: EventBus['on']
  once: EventBus['once']
  off: EventBus['off']
  models: ModelCatalog
  usage: {
    /** Aggregates over stored usage records; waits for queued records first. */
    query(query: UsageQuery): Promise<UsageAggregate[]>
    get(requestId: string): Promise<UsageRecord | undefined>
  }
  providers: {
    list(): string[]
    /**
     * Resolves when the provider accepts its credentials (its own, or `credentials` when given);
     * throws a typed error when not.
     */
    validate(id: string, credentials?: Credentials): Promise<void>
  }
  /** Sets a user's preferred model, used by their conversations that have no model of their own. */
  setUserModel(scope: { tenantId?: string; userId: string }, model: string | undefined): Promise<void>
  store: Store
  /** Waits for background work: event listeners and usage records. */
  flush(): Promise<void>
  /**
   * Refuses new calls, waits for those in flight and for background work, then disposes every
   * plugin (in reverse order, each even if another fails) and closes the store.
   */
  close(): Promise<void>
}

/**
 * An aimux instance. Plugins that add a property with `host.decorate()` declare it here by module
 * augmentation (`declare module '@aimux/ai-core' { interface AI { mcp: McpApi } }`).
 */
export interface AI extends CoreAI {}

/** Builds an instance from plugins. Rejects with a ConfigError naming the plugin that failed. */
export async function createAI(options: CreateAIOptions = {}): Promise<AI> {
  const config = validate(optionsSchema, options, 'createAI options')
  const plugins = options.plugins ?? []
  const registry = createRegistry()
  const prices = createPriceCatalog()
  const middleware: Middleware[] = []
  const requestFields: Record<string, z.ZodType> = {}
  const requestHooks: RequestHook[] = []
  const decorations = new Map<string, { value: unknown; plugin: string }>()
  const readyHooks: { plugin: string; hook: (ai: AI) => void | Promise<void> }[] = []
  let store: Store | undefined
  let storePlugin: string | undefined
  const report = (source: string, error: unknown) => {
    if (
      events.listenerCount('background:error') === 0 ||
      source.startsWith("listener for 'background:error'")
    ) {
      console.error(`aimux: ${source} failed:`, error)
    } else events.emit('background:error', { source, error })
  }
  const listeners = createBackgroundWork(report)
  const sinks = createBackgroundWork(report)
  const events = createEventBus(listeners)

  const setUp: Plugin[] = []
  const dispose = async () => {
    const failures: unknown[] = []
    for (const plugin of setUp.splice(0).reverse()) {
      try {
        await plugin.dispose?.()
      } catch (error) {
        failures.push(
          new ConfigError(`Plugin '${plugin.name}' failed to dispose: ${String(error)}`, { cause: error }),
        )
      }
    }
    return failures
  }
  let db: Store
  try {
    for (const plugin of plugins) {
      const host: PluginHost = {
        registerProvider: (provider) => registry.addProvider(provider, plugin.name),
        registerStore(candidate) {
          if (store)
            throw new ConfigError(`Two stores: '${storePlugin}' and '${plugin.name}'. Keep one store plugin.`)
          store = candidate
          storePlugin = plugin.name
        },
        use: (m) => middleware.push(m),
        registerTool: (tool) => registry.addTool(tool, plugin.name),
        addPrices: (entries) => prices.add(entries, 'builtin'),
        on: (event, listener) => events.on(event, listener),
        emit: (event, payload) => events.emit(event, payload),
        extendRequest(fields) {
          for (const [name, schema] of Object.entries(fields)) {
            if (name in chatRequestSchema.shape || name in requestFields)
              throw new ConfigError(`The chat request already has a field '${name}'.`)
            requestFields[name] = schema
          }
        },
        onRequest: (hook) => requestHooks.push(hook),
        decorate(name, value) {
          const taken = decorations.get(name)
          if (taken) throw new ConfigError(`'ai.${name}' is already added by plugin '${taken.plugin}'.`)
          decorations.set(name, { value, plugin: plugin.name })
        },
        onReady: (hook) => readyHooks.push({ plugin: plugin.name, hook }),
      }
      try {
        await plugin.setup(host)
        setUp.push(plugin)
      } catch (cause) {
        const reason = ConfigError.is(cause) || ValidationError.is(cause) ? cause.message : String(cause)
        throw new ConfigError(`Plugin '${plugin.name}' failed to set up: ${reason}`, { cause })
      }
    }
    if (config.defaultModel) registry.resolve(config.defaultModel)
    const fallbackRefs = [
      ...Object.entries(config.fallbacks).flatMap(([from, to]) => [from, ...to]),
      ...Object.entries(config.contextFallbacks).flat(),
      ...Object.entries(config.contentFilterFallbacks).flat(),
    ]
    const groupRefs = Object.values(config.groups).flatMap((g) =>
      g.models.map((m) => (typeof m === 'string' ? m : m.model)),
    )
    for (const ref of [...fallbackRefs, ...groupRefs]) registry.resolve(ref)
    db = store ?? createMemoryStore()
    for (const provider of registry.providers()) if (provider.prices) prices.add(provider.prices, 'builtin')
    prices.add(await db.catalog.listPrices(), 'synced')
    prices.add(config.prices, 'user')
  } catch (error) {
    await dispose()
    await store?.close?.()
    throw error
  }

  let closing: Promise<void> | undefined
  const ensureOpen = () => {
    if (closing) throw new ClosedError('This aimux instance is closed.')
  }
  const inFlight = createInFlight()
  const builtIn: Middleware[] = []
  if (config.rateLimits) builtIn.push(rateLimitMiddleware(config.rateLimits, events))
  if (config.cache) builtIn.push(responseCacheMiddleware(config.cache, events))
  builtIn.push(
    fallbackMiddleware(
      {
        chains: config.fallbacks,
        contextLength: config.contextFallbacks,
        contentFilter: config.contentFilterFallbacks,
      },
      registry,
      events,
    ),
    retryMiddleware(events),
    attemptTimeoutMiddleware(),
  )
  if (config.circuitBreaker) builtIn.push(circuitBreakerMiddleware(config.circuitBreaker, events))
  const usageSink = createUsageSink(db.usage, sinks)
  const rt: Runtime = {
    registry,
    // The extra fields are typed through ChatRequestExtensions; the schema only checks them.
    requestSchema: chatRequestSchema.extend(requestFields) as unknown as typeof chatRequestSchema,
    requestHooks,
    middleware: [...builtIn, ...middleware],
    prices,
    events,
    background: sinks,
    groups: config.groups,
    router: createRouter({ catalog: db.catalog, prices }),
    budgets:
      config.budgets.length > 0
        ? createBudgetGuard({ budgets: config.budgets, spend: db.spend, catalog: db.catalog, prices, events })
        : undefined,
    retry: config.retry === false ? false : retryPolicySchema.parse(config.retry ?? {}),
    timeout: config.timeout,
    usage: usageSink,
    inFlight,
    defaultModel: config.defaultModel,
    maxSteps: config.maxSteps,
    newId: config.generateId,
    ensureOpen,
  }
  const models = createModelCatalog({ registry, store: db, prices, events, newId: config.generateId })
  // Sinks emit events (budget thresholds) and listeners may start sink work: wait for both to settle.
  const flush = async () => {
    do {
      usageSink.flush()
      await Promise.all([listeners.flush(), sinks.flush()])
    } while (!listeners.idle || !sinks.idle)
  }

  const ai: CoreAI = {
    chat(request) {
      try {
        ensureOpen()
        return drain(runChat(rt, prepareCall(rt, request), 'generate')) as Promise<ChatResult<never>>
      } catch (error) {
        return Promise.reject(error)
      }
    },
    stream(request) {
      ensureOpen()
      return createAIStream(runChat(rt, prepareCall(rt, request), 'stream'))
    },
    async conversation(conversationOptions = {}) {
      ensureOpen()
      return openConversation({ rt, store: db, trim: config.trimStrategy }, conversationOptions)
    },
    on: events.on,
    once: events.once,
    off: events.off,
    models: {
      ...models,
      async sync(syncOptions) {
        ensureOpen()
        return models.sync(syncOptions)
      },
    },
    usage: {
      async query(query) {
        usageSink.flush()
        await sinks.flush()
        return db.usage.queryUsage(query)
      },
      async get(requestId) {
        usageSink.flush()
        await sinks.flush()
        return db.usage.getUsage(requestId)
      },
    },
    providers: {
      list: () => registry.providers().map((p) => p.id),
      async validate(id, credentials) {
        ensureOpen()
        const provider = registry.provider(id)
        const ctx = newContext(config.generateId())
        if (credentials) ctx.credentials = credentials
        try {
          if (provider.validateCredentials) await provider.validateCredentials(ctx)
          else if (provider.listModels) await provider.listModels(ctx)
          else throw new ConfigError(`Provider '${id}' has no way to check its credentials.`)
        } catch (error) {
          throw toAimuxError(error, { ...ctx, provider: id })
        }
      },
    },
    async setUserModel(key, model) {
      ensureOpen()
      if (model !== undefined) registry.resolve(model)
      const { model: _previous, ...rest } = (await db.conversations.getPreferences(key)) ?? {}
      await db.conversations.setPreferences(key, model === undefined ? rest : { ...rest, model })
    },
    store: db,
    flush,
    close() {
      closing ??= (async () => {
        await inFlight.idle()
        await flush()
        const failures = await dispose()
        try {
          await db.close?.()
        } catch (error) {
          failures.push(new StoreError(`The store failed to close: ${String(error)}`, { cause: error }))
        }
        if (failures.length === 1) throw failures[0]
        if (failures.length > 1) throw new AggregateError(failures, 'aimux: several plugins failed to close')
      })()
      return closing
    },
  }
  for (const [name, { value, plugin }] of decorations) {
    if (name in ai) {
      await ai.close().catch(() => {})
      throw new ConfigError(`Plugin '${plugin}' cannot add 'ai.${name}': the instance already has it.`)
    }
    Object.defineProperty(ai, name, { value, enumerable: true })
  }
  // Every property plugins declared on AI is on the instance now.
  const instance = ai as AI
  for (const { plugin, hook } of readyHooks) {
    try {
      await hook(instance)
    } catch (cause) {
      await ai.close().catch(() => {})
      const reason = cause instanceof Error ? cause.message : String(cause)
      throw new ConfigError(`Plugin '${plugin}' failed to start: ${reason}`, { cause })
    }
  }
  return instance
}
