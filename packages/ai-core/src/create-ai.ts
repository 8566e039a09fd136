import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { type AIStream, createAIStream } from './ai-stream.js'
import { createBackgroundWork } from './background-work.js'
import { type TrimStrategy, trimOldestFirst } from './context-window.js'
import { type Conversation, type ConversationOptions, openConversation } from './conversation.js'
import { ClosedError, ConfigError, ValidationError } from './errors.js'
import { createEventBus, type EventBus } from './event-bus.js'
import { createMemoryStore } from './memory-store.js'
import type { Middleware } from './middleware.js'
import { parseModelRef } from './model.js'
import { createModelCatalog, type ModelCatalog } from './model-catalog.js'
import type { Plugin, PluginHost } from './plugin.js'
import { createPriceCatalog, type PriceEntryInput, priceEntrySchema } from './price-catalog.js'
import { createRegistry } from './registry.js'
import type { ChatRequest } from './request.js'
import type { ChatResult } from './result.js'
import { prepareCall, type Runtime, runChat, toAimuxError } from './run-chat.js'
import type { Store, UsageAggregate, UsageQuery, UsageRecord } from './store.js'
import { createUsageSink } from './usage-sink.js'
import { validate } from './validate.js'

const fn = (v: unknown) => typeof v === 'function'

const optionsSchema = z.object({
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
  /** Generates request, conversation and message ids. */
  generateId: z.custom<() => string>(fn, 'must be a function').default(() => randomUUID),
})

export type CreateAIOptions = Omit<z.input<typeof optionsSchema>, 'plugins' | 'prices'> & {
  plugins?: Plugin[]
  prices?: PriceEntryInput[]
}

export interface AI {
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
    /** Resolves when the provider accepts its credentials; throws a typed error when not. */
    validate(id: string): Promise<void>
  }
  /** Sets a user's preferred model, used by their conversations that have no model of their own. */
  setUserModel(scope: { tenantId?: string; userId: string }, model: string | undefined): Promise<void>
  store: Store
  /** Waits for background work: event listeners, usage records. */
  flush(): Promise<void>
  /** Flushes, then disposes every plugin (in reverse order) and the store. Further calls fail. */
  close(): Promise<void>
}

/** Builds an instance from plugins. Rejects with a ConfigError naming the plugin that failed. */
export async function createAI(options: CreateAIOptions = {}): Promise<AI> {
  const config = validate(optionsSchema, options, 'createAI options')
  const plugins = options.plugins ?? []
  const registry = createRegistry()
  const prices = createPriceCatalog()
  const middleware: Middleware[] = []
  let store: Store | undefined
  let storePlugin: string | undefined
  let events: EventBus
  const work = createBackgroundWork((source, error) => {
    if (source.startsWith("listener for 'background:error'")) console.error(`aimux: ${source} failed`, error)
    else events.emit('background:error', { source, error })
  })
  events = createEventBus(work)

  const setUp: Plugin[] = []
  const dispose = async () => {
    for (const plugin of setUp.reverse()) await plugin.dispose?.()
  }
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
    }
    try {
      await plugin.setup(host)
      setUp.push(plugin)
    } catch (cause) {
      await dispose()
      const reason = ConfigError.is(cause) || ValidationError.is(cause) ? cause.message : String(cause)
      throw new ConfigError(`Plugin '${plugin.name}' failed to set up: ${reason}`, { cause })
    }
  }
  if (config.defaultModel) registry.resolve(config.defaultModel)
  const db = store ?? createMemoryStore()
  for (const provider of registry.providers()) if (provider.prices) prices.add(provider.prices, 'builtin')
  prices.add(await db.catalog.listPrices(), 'synced')
  prices.add(config.prices, 'user')

  const rt: Runtime = {
    registry,
    middleware,
    prices,
    events,
    work,
    usage: createUsageSink(db.usage, work),
    defaultModel: config.defaultModel,
    maxSteps: config.maxSteps,
    newId: config.generateId,
  }
  let closed = false
  const open = () => {
    if (closed) throw new ClosedError('This aimux instance is closed.')
  }

  const ai: AI = {
    async chat(request) {
      open()
      const run = runChat(rt, prepareCall(rt, request), 'generate')
      for (;;) {
        const next = await run.next()
        if (next.done) return next.value as ChatResult<never>
      }
    },
    stream(request) {
      open()
      return createAIStream(runChat(rt, prepareCall(rt, request), 'stream'))
    },
    async conversation(conversationOptions = {}) {
      open()
      return openConversation({ rt, store: db, trim: config.trimStrategy }, conversationOptions)
    },
    on: events.on,
    once: events.once,
    off: events.off,
    models: createModelCatalog({ registry, store: db, prices, events, newId: config.generateId }),
    usage: {
      async query(query) {
        await work.flush()
        return db.usage.queryUsage(query)
      },
      async get(requestId) {
        await work.flush()
        return db.usage.getUsage(requestId)
      },
    },
    providers: {
      list: () => registry.providers().map((p) => p.id),
      async validate(id) {
        const provider = registry.provider(id)
        const signal = new AbortController().signal
        const requestId = config.generateId()
        try {
          await provider.validateCredentials?.({
            requestId,
            scope: {},
            signal,
            attempt: 1,
            step: 1,
            metadata: {},
          })
        } catch (error) {
          throw toAimuxError(error, signal, requestId)
        }
      },
    },
    async setUserModel(key, model) {
      if (model !== undefined) registry.resolve(model)
      const { model: _previous, ...rest } = (await db.conversations.getPreferences(key)) ?? {}
      await db.conversations.setPreferences(key, model === undefined ? rest : { ...rest, model })
    },
    store: db,
    flush: () => work.flush(),
    async close() {
      if (closed) return
      closed = true
      await work.flush()
      await dispose()
      await db.close?.()
    },
  }
  return ai
}
