/** How a config entry turns into the options of a provider package's factory. */
export interface KnownProvider {
  /** The provider id the package registers unless told otherwise. */
  id: string
  package: string
  export: string
  /** The variables the adapter reads its key from, in its own order; empty when it needs none. */
  apiKeyEnv: readonly string[]
  /** The factory option the config's `baseURL` goes to. */
  baseURLOption: 'baseURL' | 'host'
  /** Whether the factory takes an `id` option, so that one package can serve two entries. */
  takesId: boolean
}

/** The built-in providers, by the id a config names them with. */
export const knownProviders: Readonly<Record<string, KnownProvider>> = {
  openai: {
    id: 'openai',
    package: '@aimux/ai-openai',
    export: 'openai',
    apiKeyEnv: ['OPENAI_API_KEY'],
    baseURLOption: 'baseURL',
    takesId: true,
  },
  anthropic: {
    id: 'anthropic',
    package: '@aimux/ai-anthropic',
    export: 'anthropic',
    apiKeyEnv: ['ANTHROPIC_API_KEY'],
    baseURLOption: 'baseURL',
    takesId: false,
  },
  xai: {
    id: 'xai',
    package: '@aimux/ai-xai',
    export: 'xai',
    apiKeyEnv: ['XAI_API_KEY'],
    baseURLOption: 'baseURL',
    takesId: true,
  },
  gemini: {
    id: 'gemini',
    package: '@aimux/ai-gemini',
    export: 'gemini',
    apiKeyEnv: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
    baseURLOption: 'baseURL',
    takesId: false,
  },
  ollama: {
    id: 'ollama',
    package: '@aimux/ai-ollama',
    export: 'ollama',
    // A local Ollama needs no key; a hosted one gets its key through apiKeyEnv.
    apiKeyEnv: [],
    baseURLOption: 'host',
    takesId: false,
  },
  openrouter: {
    id: 'openrouter',
    package: '@aimux/ai-openrouter',
    export: 'openrouter',
    apiKeyEnv: ['OPENROUTER_API_KEY'],
    baseURLOption: 'baseURL',
    takesId: true,
  },
}

/** The built-in provider a package provides, whatever id its config entry has. */
export function knownProviderOfPackage(name: string): KnownProvider | undefined {
  return Object.values(knownProviders).find((known) => known.package === name)
}

/** The factory each known plugin package exports, used when a config entry names no `export`. */
export const knownExports: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.values(knownProviders).map((known) => [known.package, known.export])),
  '@aimux/ai-rotation': 'rotation',
  '@aimux/ai-mcp': 'mcp',
  '@aimux/otel': 'otel',
  '@aimux/redis': 'redisState',
  '@aimux/schedule': 'schedule',
  '@aimux/store-sqlite': 'sqliteStore',
  '@aimux/store-postgres': 'postgresStore',
}

/** The environment variables read when the config names none. */
export const DEFAULT_DATABASE_URL_ENV = 'DATABASE_URL'
export const DEFAULT_REDIS_URL_ENV = 'REDIS_URL'
export const DEFAULT_ADMIN_TOKEN_ENV = 'AIMUX_ADMIN_TOKEN'
