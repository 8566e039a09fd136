import { ConfigError, UnknownProviderError, ValidationError } from '../errors/errors.js'
import { parseModelRef } from './model.js'
import type { ProviderAdapter } from './provider.js'
import type { AnyTool, Tool } from './tool.js'

/** The providers and tools plugins registered, and "provider:model" resolution against them. */
export interface Registry {
  addProvider(provider: ProviderAdapter, plugin: string): void
  addTool(tool: AnyTool, plugin: string): void
  provider(id: string): ProviderAdapter
  providers(): ProviderAdapter[]
  tool(name: string): Tool
  resolve(ref: string): { provider: ProviderAdapter; model: string }
}

export function createRegistry(): Registry {
  const providers = new Map<string, { adapter: ProviderAdapter; plugin: string }>()
  const tools = new Map<string, { tool: Tool; plugin: string }>()
  const registered = () =>
    [...providers.keys()].join(', ') || 'none (add a provider plugin to createAI({ plugins }))'

  const registry: Registry = {
    addProvider(adapter, plugin) {
      const existing = providers.get(adapter.id)
      if (existing) {
        throw new ConfigError(
          `Provider '${adapter.id}' is registered twice (by plugins '${existing.plugin}' and '${plugin}'). ` +
            `Registered providers: ${registered()}.`,
        )
      }
      providers.set(adapter.id, { adapter, plugin })
    },
    addTool(tool, plugin) {
      const existing = tools.get(tool.name)
      if (existing) {
        throw new ConfigError(
          `Tool '${tool.name}' is registered twice (by '${existing.plugin}' and '${plugin}').`,
        )
      }
      tools.set(tool.name, { tool, plugin })
    },
    provider(id) {
      const entry = providers.get(id)
      if (!entry)
        throw new UnknownProviderError(`Unknown provider '${id}'. Registered providers: ${registered()}.`)
      return entry.adapter
    },
    providers() {
      return [...providers.values()].map((e) => e.adapter)
    },
    tool(name) {
      const entry = tools.get(name)
      if (!entry) {
        const names = [...tools.keys()].join(', ') || 'none'
        throw new ConfigError(`Unknown tool '${name}'. Registered tools: ${names}.`)
      }
      return entry.tool
    },
    resolve(ref) {
      const parsed = parseModelRef(ref)
      if (!parsed) {
        throw new ValidationError(
          `Invalid model '${ref}': write it as "provider:model", e.g. "openai:gpt-4o-mini". Registered providers: ${registered()}.`,
        )
      }
      const entry = providers.get(parsed.provider)
      if (!entry) {
        throw new UnknownProviderError(
          `Unknown provider '${parsed.provider}' in model '${ref}'. Registered providers: ${registered()}.`,
        )
      }
      return { provider: entry.adapter, model: parsed.model }
    },
  }
  return registry
}
