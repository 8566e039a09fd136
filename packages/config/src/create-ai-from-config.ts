import { isAbsolute, resolve } from 'node:path'
import {
  type AI,
  ConfigError,
  createAI,
  type Plugin,
  UnknownProviderError,
  ValidationError,
} from '@aimux/ai-core'
import { configError, fileLabel } from './config-error.js'
import { type AimuxConfig, coreOptions } from './config-schema.js'
import {
  DEFAULT_DATABASE_URL_ENV,
  DEFAULT_REDIS_URL_ENV,
  knownExports,
  knownProviderOfPackage,
  knownProviders,
} from './known-packages.js'
import type { LoadedConfig } from './load-config.js'
import { loadFactory } from './load-package.js'
import { resolveSecretEnv } from './secret-values.js'

export interface CreateAIFromConfigOptions {
  /** Plugins set up after the config's own: an application's tools, a test's mock provider. */
  plugins?: Plugin[]
  /** Where apiKeyEnv, urlEnv and `{ "$env": "NAME" }` are read; default process.env. */
  env?: NodeJS.ProcessEnv
}

/**
 * Builds the instance a config describes: loads each provider, the store, Redis and each plugin
 * from its package, reads their secrets from the environment, and calls createAI() with the rest.
 * A mistake, createAI()'s own included, is a ConfigError that starts with the config file.
 */
export async function createAIFromConfig(
  loaded: LoadedConfig,
  options: CreateAIFromConfigOptions = {},
): Promise<AI> {
  const file = fileLabel(loaded.path)
  const ctx: BuildContext = { dir: loaded.dir, env: options.env ?? process.env }
  const { config } = loaded
  const plugins: Plugin[] = []
  try {
    for (const [id, entry] of Object.entries(config.providers))
      plugins.push(await providerPlugin(id, entry, ctx))
    const store = await storePlugin(config.store, ctx)
    if (store) plugins.push(store)
    if (config.redis) plugins.push(await redisPlugin(config.redis, ctx))
    if (config.schedule) {
      const factory = await loadFactory('@aimux/schedule', 'schedule', ctx.dir, 'schedule')
      const schedule = config.schedule
      plugins.push(await call('schedule', '@aimux/schedule', () => factory(schedule)))
    }
    for (const [i, entry] of config.plugins.entries()) {
      const where = `plugins[${i}]`
      const factoryOptions =
        entry.options === undefined
          ? []
          : [resolveSecretEnv(entry.options, { env: ctx.env, at: `${where}.options` })]
      const factory = await loadFactory(entry.package, exportOf(entry.package, entry.export), ctx.dir, where)
      plugins.push(await call(where, entry.package, () => factory(...factoryOptions)))
    }
  } catch (error) {
    throw withFile(file, error)
  }
  try {
    return await createAI({ ...coreOptions(config), plugins: [...plugins, ...(options.plugins ?? [])] })
  } catch (error) {
    throw withFile(file, error)
  }
}

interface BuildContext {
  dir: string
  env: NodeJS.ProcessEnv
}

type ProviderEntry = AimuxConfig['providers'][string]

async function providerPlugin(id: string, entry: ProviderEntry, ctx: BuildContext): Promise<Plugin> {
  const where = `providers.${id}`
  const known = entry.package === undefined ? knownProviders[id] : knownProviderOfPackage(entry.package)
  // The schema has checked that an unknown id names its package.
  const pkg = entry.package ?? known!.package
  const options: Record<string, unknown> = resolveSecretEnv(entry.options ?? {}, {
    env: ctx.env,
    at: `${where}.options`,
  })
  if (entry.baseURL !== undefined) options[known?.baseURLOption ?? 'baseURL'] = entry.baseURL
  const apiKey = entry.apiKeyEnv
    ? required(ctx.env, entry.apiKeyEnv, `${where}.apiKeyEnv`)
    : known?.apiKeyEnv.map((name) => ctx.env[name]).find((value) => value)
  if (apiKey) options.apiKey = apiKey
  // A second entry of the same package registers under its own id: "openai-eu": { package: "@aimux/ai-openai" }.
  if (known?.takesId && id !== known.id && options.id === undefined) options.id = id
  const factory = await loadFactory(pkg, exportOf(pkg, entry.export), ctx.dir, where)
  return call(where, pkg, () => factory(options))
}

async function storePlugin(store: AimuxConfig['store'], ctx: BuildContext): Promise<Plugin | undefined> {
  if (store.type === 'memory') return undefined
  if (store.type === 'sqlite') {
    const factory = await loadFactory('@aimux/store-sqlite', 'sqliteStore', ctx.dir, 'store')
    const path =
      store.path === ':memory:' || isAbsolute(store.path) ? store.path : resolve(ctx.dir, store.path)
    return call('store', '@aimux/store-sqlite', () =>
      factory(compact({ path, busyTimeoutMs: store.busyTimeoutMs })),
    )
  }
  const connectionString =
    store.url ?? required(ctx.env, store.urlEnv ?? DEFAULT_DATABASE_URL_ENV, 'store.urlEnv')
  const factory = await loadFactory('@aimux/store-postgres', 'postgresStore', ctx.dir, 'store')
  return call('store', '@aimux/store-postgres', () =>
    factory(compact({ connectionString, schema: store.schema, connectTimeoutMs: store.connectTimeoutMs })),
  )
}

async function redisPlugin(redis: NonNullable<AimuxConfig['redis']>, ctx: BuildContext): Promise<Plugin> {
  const url = redis.url ?? required(ctx.env, redis.urlEnv ?? DEFAULT_REDIS_URL_ENV, 'redis.urlEnv')
  const factory = await loadFactory('@aimux/redis', 'redisState', ctx.dir, 'redis')
  return call('redis', '@aimux/redis', () =>
    factory(
      compact({ url, prefix: redis.prefix, share: redis.share, connectTimeoutMs: redis.connectTimeoutMs }),
    ),
  )
}

const exportOf = (pkg: string, given: string | undefined) => given ?? knownExports[pkg] ?? 'default'

/** An environment variable the config names; unset is a ConfigError naming the variable, not a value. */
function required(env: NodeJS.ProcessEnv, name: string, where: string): string {
  const value = env[name]
  if (value === undefined || value === '') {
    throw new ConfigError(`${where}: the environment variable ${name} is not set.`)
  }
  return value
}

/** Calls a factory; its own option errors and anything but a plugin come back naming the entry. */
async function call(where: string, pkg: string, make: () => unknown): Promise<Plugin> {
  let made: unknown
  try {
    made = await make()
  } catch (error) {
    if (ConfigError.is(error) || ValidationError.is(error)) {
      throw new ConfigError(`${where}: ${error.message}`, { cause: error })
    }
    throw error
  }
  const plugin = made as Partial<Plugin> | undefined
  if (typeof plugin?.name !== 'string' || typeof plugin.setup !== 'function') {
    throw new ConfigError(`${where}: ${pkg} did not return a plugin ({ name, setup }).`)
  }
  return plugin as Plugin
}

/** A configuration mistake, however it surfaced, as a ConfigError that starts with the file. */
function withFile(file: string, error: unknown): unknown {
  const isConfig = ConfigError.is(error) || ValidationError.is(error) || UnknownProviderError.is(error)
  return isConfig && error instanceof Error ? configError(file, error.message, error) : error
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
