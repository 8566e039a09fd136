import type { AimuxEventName, AimuxListener } from './events.js'
import type { Middleware } from './middleware.js'
import type { PriceEntryInput } from './price-catalog.js'
import type { ProviderAdapter } from './provider.js'
import type { Store } from './store.js'
import type { AnyTool } from './tool.js'

/** What a plugin can do while it is set up. */
export interface PluginHost {
  registerProvider(provider: ProviderAdapter): void
  /** Replaces the in-memory store; at most one store plugin per instance. */
  registerStore(store: Store): void
  /** Adds a middleware around every model call, inside those added before it. */
  use(middleware: Middleware): void
  /** Makes a tool available to requests that name it in `tools`. */
  registerTool(tool: AnyTool): void
  addPrices(entries: readonly PriceEntryInput[]): void
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends AimuxEventName>(event: E, listener: AimuxListener<E>): () => void
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
