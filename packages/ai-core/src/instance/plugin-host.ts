import type { z } from 'zod'
import type { RequestHook } from '../call/request-hook.js'
import { createPriceCatalog, type PriceCatalog } from '../cost/price-catalog.js'
import { type AimuxError, ConfigError, ValidationError } from '../errors/errors.js'
import { redactSecrets } from '../errors/redact-secrets.js'
import type { EventBus } from '../events/event-bus.js'
import type { Middleware } from '../middleware/middleware.js'
import { createRegistry, type Registry } from '../spec/registry.js'
import { chatRequestSchema } from '../spec/request.js'
import type { SharedState } from '../store/shared-state.js'
import type { Store } from '../store/store.js'
import type { AI } from './create-ai.js'
import type { Plugin, PluginHost } from './plugin.js'

/** What the plugins contributed to an instance while they were set up. */
export interface PluginSetup {
  registry: Registry
  prices: PriceCatalog
  /** Plugins' middleware, in the order they were added (the first is outermost). */
  middleware: Middleware[]
  /** Fields plugins added to the chat request. */
  requestFields: Record<string, z.ZodType>
  requestHooks: RequestHook[]
  /** Properties plugins add to the instance, with the plugin that added each. */
  decorations: Map<string, { value: unknown; plugin: string }>
  readyHooks: { plugin: string; hook: (ai: AI) => void | Promise<void> }[]
  /** The store a plugin registered, if one did. */
  store: Store | undefined
  /** The shared state ports a plugin registered, if one did. */
  sharedState: SharedState | undefined
  /** Disposes every plugin set up, in reverse order, each even if another fails; returns the failures. */
  dispose(): Promise<AimuxError[]>
}

/**
 * A plugin's failure as text for a message, anything shaped like a key or bearer token masked (the
 * error's cause is kept only as a masked plain copy: see AimuxErrorOptions.secrets).
 */
function shown(error: unknown): string {
  return redactSecrets(error instanceof Error ? String(error) : error)
}

/**
 * Sets up each plugin in order with a host of its own. When one fails, those already set up are
 * disposed, a registered store and shared state are closed, and the error is a ConfigError naming
 * the plugin.
 */
export async function setUpPlugins(plugins: readonly Plugin[], events: EventBus): Promise<PluginSetup> {
  const registry = createRegistry()
  const prices = createPriceCatalog()
  const middleware: Middleware[] = []
  const requestFields: Record<string, z.ZodType> = {}
  const requestHooks: RequestHook[] = []
  const decorations = new Map<string, { value: unknown; plugin: string }>()
  const readyHooks: PluginSetup['readyHooks'] = []
  let store: Store | undefined
  let storePlugin: string | undefined
  let sharedState: SharedState | undefined
  let statePlugin: string | undefined
  const setUp: Plugin[] = []
  const dispose = async () => {
    const failures: AimuxError[] = []
    for (const plugin of setUp.splice(0).reverse()) {
      try {
        await plugin.dispose?.()
      } catch (error) {
        failures.push(
          new ConfigError(`Plugin '${plugin.name}' failed to dispose: ${shown(error)}`, {
            cause: error,
            secrets: [],
          }),
        )
      }
    }
    return failures
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
      registerSharedState(candidate) {
        if (sharedState)
          throw new ConfigError(
            `Two shared states: '${statePlugin}' and '${plugin.name}'. Keep one shared-state plugin.`,
          )
        if (typeof candidate?.name !== 'string' || candidate.name === '')
          throw new ConfigError('A shared state needs a name.')
        sharedState = candidate
        statePlugin = plugin.name
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
      await dispose()
      await sharedState?.close?.().catch(() => {})
      await store?.close?.()
      const reason = ConfigError.is(cause) || ValidationError.is(cause) ? cause.message : shown(cause)
      throw new ConfigError(`Plugin '${plugin.name}' failed to set up: ${reason}`, { cause, secrets: [] })
    }
  }
  return {
    registry,
    prices,
    middleware,
    requestFields,
    requestHooks,
    decorations,
    readyHooks,
    store,
    sharedState,
    dispose,
  }
}
