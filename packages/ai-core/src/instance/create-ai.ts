import { type AIStream, createAIStream } from '../call/ai-stream.js'
import { type BatchApi, createBatchApi } from '../call/batch.js'
import { countTokens, type TokenCountResult } from '../call/count-tokens.js'
import { prepareEmbed, runEmbed } from '../call/embed.js'
import { createInFlight } from '../call/in-flight.js'
import { createModelCatalog, type ModelCatalog } from '../call/model-catalog.js'
import { checkModelName, memberRef, prepareCall } from '../call/prepare-call.js'
import { drain, runChat } from '../call/run-chat.js'
import type { Runtime } from '../call/runtime.js'
import { createUsageSink } from '../call/usage-sink.js'
import {
  type Conversation,
  type ConversationOptions,
  openConversation,
} from '../conversation/conversation.js'
import { ClosedError, ConfigError, StoreError, toAimuxError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import { createBackgroundWork } from '../events/background-work.js'
import { createEventBus, type EventBus } from '../events/event-bus.js'
import { createBudgetGuard } from '../middleware/budget-guard.js'
import { createBudgetLeases } from '../middleware/budget-leases.js'
import type { BudgetStatus } from '../middleware/budget-status.js'
import { builtInMiddleware } from '../middleware/built-in-middleware.js'
import { createRouter } from '../middleware/router.js'
import type { Credentials } from '../spec/call-context.js'
import { newContext } from '../spec/call-context.js'
import { tokenEstimatorFor } from '../spec/context-window.js'
import type { EmbedRequest, EmbedResult } from '../spec/embedding.js'
import { retryPolicySchema, withDefaultTimeouts } from '../spec/policy.js'
import {
  type ChatRequest,
  chatRequestSchema,
  type RequestLimits,
  requestLimitsSchema,
} from '../spec/request.js'
import type { ChatResult } from '../spec/result.js'
import { type Scope, scopeSchema } from '../spec/scope.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { Store } from '../store/store.js'
import { usageQuerySchema } from '../store/usage-query.js'
import type { UsageAggregate, UsageQuery, UsageRecord } from '../store/usage-store.js'
import {
  type CloseOptions,
  type CreateAIOptions,
  checkModelNames,
  closeOptionsSchema,
  createAIOptionsSchema,
  withFallbackAliases,
} from './create-ai-options.js'
import { backgroundReporter, openLog, subscribeLogging } from './logging.js'
import { setUpPlugins } from './plugin-host.js'
import { closeSharedState, stopCalls } from './shut-down.js'

export type { CloseOptions, CreateAIOptions } from './create-ai-options.js'

/** What every instance has, whatever its plugins; `AI` adds what plugins declare. */
export interface CoreAI {
  /** One request, with tools run up to maxSteps; resolves to the aggregated result. */
  chat<T = unknown>(request: ChatRequest<T>): Promise<ChatResult<T>>
  /** The same, as parts arrive. Invalid requests throw here, before anything is sent. */
  stream<T = unknown>(request: ChatRequest<T>): AIStream<T>
  /**
   * The request's input tokens as its provider counts them, without sending it: Anthropic's and
   * Gemini's counting endpoints, OpenAI models' tokenizer run locally, else an estimate
   * (`source: 'estimate'`, `exact: false`). Takes what `chat()` takes; see call/count-tokens.ts.
   */
  countTokens(request: ChatRequest): Promise<TokenCountResult>
  /**
   * Embeds one text or several: a vector per input, in order, with usage and exact cost. Large
   * inputs are split into batches by the provider's limit; budgets, rate limits, retries,
   * fallbacks and the circuit breaker apply as to a chat call (call/embed.ts).
   */
  embed(request: EmbedRequest): Promise<EmbedResult>
  /**
   * Creates a persisted conversation, or, given an `id`, loads the stored one: a NotFoundError
   * when there is none, or when a `tenantId`, `userId` or `projectId` given does not match its
   * owner. `{ id, create: true }` creates one with that id.
   */
  conversation(options?: ConversationOptions): Promise<Conversation>
  on: EventBus['on']
  once: EventBus['once']
  off: EventBus['off']
  models: ModelCatalog
  /**
   * Provider batch jobs: `submit` many chat requests as one job at batch rates, `get` its state,
   * `results` as ChatResults (usage recorded once), `cancel`, `list` (call/batch.ts).
   */
  batch: BatchApi
  usage: {
    /**
     * Aggregates over stored usage records; waits for queued records first. A wrong field is a
     * ValidationError naming it, before any store sees the query.
     */
    query(query: UsageQuery): Promise<UsageAggregate[]>
    get(requestId: string): Promise<UsageRecord | undefined>
  }
  budgets: {
    /**
     * Where each budget that applies to `scope` stands in its current period: spent, reserved,
     * limit and remaining, in nano-USD and as USD. Empty when no budget applies. Given a request's
     * `limits`, their budgets too, on the key's own counters (scope 'key', scopeId `limits.key`).
     */
    status(scope: Scope, limits?: RequestLimits): Promise<BudgetStatus[]>
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
  /** Waits for background work: event listeners and usage records; returns budget leases to the store. */
  flush(): Promise<void>
  /**
   * Refuses new calls, waits for those in flight and for background work, then disposes every
   * plugin (in reverse order, each even if another fails), closes the shared state a plugin
   * registered, and closes the store. Calls still
   * running after `timeoutMs` (default 30 s) are aborted with a ClosedError: one waiting on a
   * silent server, a stream whose caller stopped reading. Calling it again returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>
}

/**
 * An aimux instance. Plugins that add a property with `host.decorate()` declare it here by module
 * augmentation (`declare module '@aimux/ai-core' { interface AI { mcp: McpApi } }`).
 */
export interface AI extends CoreAI {}

/** Builds an instance from plugins. Rejects with a ConfigError naming the plugin that failed. */
export async function createAI(options: CreateAIOptions = {}): Promise<AI> {
  const config = withFallbackAliases(validate(createAIOptionsSchema, options, 'createAI options'))
  // Undefined without a logger and without AIMUX_DEBUG: then no call does any logging work.
  const logging = openLog(config.logger)
  const report = backgroundReporter(logging?.log, () => events)
  const listeners = createBackgroundWork(report)
  const sinks = createBackgroundWork(report)
  const events = createEventBus(listeners)
  if (logging) subscribeLogging(events, logging.log, logging.debug)

  const setup = await setUpPlugins(options.plugins ?? [], events)
  const { registry, prices, decorations, readyHooks, dispose } = setup
  let db: Store
  try {
    checkModelNames(config, registry)
    const fallbackRefs = [
      ...Object.entries(config.fallbacks).flatMap(([from, to]) => [from, ...to]),
      ...Object.entries(config.contextFallbacks).flat(),
      ...Object.entries(config.contentFilterFallbacks).flat(),
    ]
    const groupRefs = Object.values(config.groups).flatMap((g) => g.models.map(memberRef))
    for (const ref of [...fallbackRefs, ...groupRefs]) registry.resolve(ref)
    db = setup.store ?? createMemoryStore()
    for (const provider of registry.providers()) if (provider.prices) prices.add(provider.prices, 'builtin')
    prices.add(await db.catalog.listPrices(), 'synced')
    prices.add(config.prices, 'user')
  } catch (error) {
    await dispose()
    await closeSharedState(setup.sharedState)
    await setup.store?.close?.()
    throw error
  }

  let closing: Promise<void> | undefined
  const ensureOpen = () => {
    if (closing) throw new ClosedError('This aimux instance is closed.')
  }
  const inFlight = createInFlight()
  const usageSink = createUsageSink(db.usage, sinks)
  const rt: Runtime = {
    registry,
    // The extra fields are typed through ChatRequestExtensions; the schema only checks them.
    requestSchema: chatRequestSchema.extend(setup.requestFields) as unknown as typeof chatRequestSchema,
    requestHooks: setup.requestHooks,
    middleware: [
      ...builtInMiddleware(
        {
          rateLimits: config.rateLimits,
          cache: config.cache,
          fallbacks: {
            chains: config.fallbacks,
            contextLength: config.contextFallbacks,
            contentFilter: config.contentFilterFallbacks,
            // A hard budget refuses a fallback to an unpriced model, as it refuses the first model.
            admit: (next, from, failure) => rt.budgets?.admitFallback(next, from, failure),
          },
          circuitBreaker: config.circuitBreaker,
          state: setup.sharedState,
        },
        registry,
        events,
      ),
      ...setup.middleware,
    ],
    prices,
    events,
    background: sinks,
    groups: config.groups,
    aliases: config.aliases,
    router: createRouter({ catalog: db.catalog, prices, groups: config.groups }),
    // Always there, for requests that bring their own budgets (`limits`); a request to which no
    // budget applies skips it (accounting.ts).
    budgets: createBudgetGuard({
      budgets: config.budgets,
      spend: db.spend,
      ...(setup.store && config.budgetLeases
        ? {
            leases: createBudgetLeases(db.spend, {
              ...config.budgetLeases,
              report: (error) => events.emit('background:error', { source: 'budget lease', error }),
            }),
          }
        : {}),
      catalog: db.catalog,
      prices,
      events,
      unpricedModels: config.unpricedModels,
      reservationMaxMs: config.budgetReservationMaxMs,
      estimatorFor: (provider, model) => tokenEstimatorFor(registry.provider(provider), model),
    }),
    retry: config.retry === false ? false : retryPolicySchema.parse(config.retry ?? {}),
    timeout: withDefaultTimeouts(config.timeout),
    usage: usageSink,
    inFlight,
    defaultModel: config.defaultModel,
    maxSteps: config.maxSteps,
    newId: config.generateId,
    ensureOpen,
  }
  const models = createModelCatalog({
    registry,
    store: db,
    prices,
    events,
    newId: config.generateId,
    aliases: config.aliases,
    groups: config.groups,
  })
  // Sinks emit events (budget thresholds) and listeners may start sink work: wait for both to
  // settle. Budget leases go back to the store, so that it holds what this process spent.
  const flush = async () => {
    do {
      usageSink.flush()
      await Promise.all([listeners.flush(), sinks.flush(), rt.budgets?.flush()])
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
      return createAIStream(runChat(rt, prepareCall(rt, request), 'stream'), inFlight)
    },
    async countTokens(request) {
      ensureOpen()
      return countTokens(rt, request)
    },
    async embed(request) {
      ensureOpen()
      return runEmbed(rt, prepareEmbed(rt, request))
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
        const checked = validate(usageQuerySchema, query, 'usage query')
        usageSink.flush()
        await sinks.flush()
        return db.usage.queryUsage(checked)
      },
      async get(requestId) {
        usageSink.flush()
        await sinks.flush()
        return db.usage.getUsage(requestId)
      },
    },
    budgets: {
      async status(scope, limits) {
        const parsed = validate(scopeSchema, scope, 'budget scope')
        if (limits === undefined) return rt.budgets ? rt.budgets.status(parsed) : []
        const checked = validate(requestLimitsSchema, limits, 'budget limits')
        return rt.budgets ? rt.budgets.status(parsed, checked) : []
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
      if (model !== undefined) checkModelName(rt, model)
      const { model: _previous, ...rest } = (await db.conversations.getPreferences(key)) ?? {}
      await db.conversations.setPreferences(key, model === undefined ? rest : { ...rest, model })
    },
    batch: createBatchApi({
      rt,
      batches: db.batches,
      budget: { spend: db.spend, catalog: db.catalog, events, now: () => new Date() },
    }),
    store: db,
    flush,
    close(closeOptions) {
      let timeoutMs: number
      try {
        ;({ timeoutMs } = validate(closeOptionsSchema, closeOptions ?? {}, 'close options'))
      } catch (error) {
        return Promise.reject(error)
      }
      closing ??= (async () => {
        await stopCalls(inFlight, flush, timeoutMs)
        const failures = await dispose()
        const stateFailure = await closeSharedState(setup.sharedState)
        if (stateFailure) failures.push(stateFailure)
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
