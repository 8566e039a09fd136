import type { z } from 'zod'
import type { RequestHook } from '../call/request-hook.js'
import type { PriceEntryInput } from '../cost/price-catalog.js'
import type { AimuxEventName, AimuxEvents, AimuxListener } from '../events/events.js'
import type { Middleware } from '../middleware/middleware.js'
import type { ProviderAdapter } from '../spec/provider.js'
import type { AnyTool } from '../spec/tool.js'
import type { SharedState } from '../store/shared-state.js'
import type { Store } from '../store/store.js'
import type { AI } from './create-ai.js'

/** What a plugin can do while it is set up. */
export interface PluginHost {
  registerProvider(provider: ProviderAdapter): void
  /** Replaces the in-memory store; at most one store plugin per instance. */
  registerStore(store: Store): void
  /**
   * Keeps the rate limiter's counters, the response cache and the circuit breaker's circuits in
   * `state` (Redis, say), shared by every instance that registers the same, instead of in this
   * process's memory; a port it leaves out stays in memory. At most one per instance (a second is
   * a ConfigError naming both plugins); its `close()` runs when the instance closes, after every
   * plugin was disposed.
   */
  registerSharedState(state: SharedState): void
  /** Adds a middleware around every model call, inside those added before it. */
  use(middleware: Middleware): void
  /** Makes a tool available to requests that name it in `tools`. */
  registerTool(tool: AnyTool): void
  addPrices(entries: readonly PriceEntryInput[]): void
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): () => void
  /** Emits an event to the instance's listeners; a plugin declares its own on `AimuxEvents`. */
  emit<E extends AimuxEventName>(event: E, payload: AimuxEvents[E]): void
  /**
   * Adds fields to the chat request, each validated by its zod schema (declare their types on
   * `ChatRequestExtensions`). A field the request already has, or another plugin added, is a
   * ConfigError.
   */
  extendRequest(fields: Record<string, z.ZodType>): void
  /** Runs before each request's first model call; may add tools and system context. */
  onRequest(hook: RequestHook): void
  /**
   * Adds a property to the instance, `ai[name]` (declare its type on the `AI` interface). A
   * name the instance already has is a ConfigError.
   */
  decorate(name: string, value: unknown): void
  /** Runs once every plugin is set up, with the instance; its store is final by then. */
  onReady(hook: (ai: AI) => void | Promise<void>): void
}

/** A provider, store or feature package plugs in through this contract. */
export interface Plugin {
  name: string
  setup(host: PluginHost): void | Promise<void>
  /** Called by ai.close(), in reverse order of setup. */
  dispose?(): void | Promise<void>
}

/** Typed helper for writing a plugin. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin
}
