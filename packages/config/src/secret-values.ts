import { ConfigError } from '@aimux/ai-core'

/**
 * Whether an option name says it holds a secret: its last word is token, secret, password or
 * passphrase, or its last two are api key, master key, access key or private key, however it is
 * written (`apiKey`, `api_key`, `GITHUB_TOKEN`, `clientSecret`, `AWS_SECRET_ACCESS_KEY`). A config
 * file ends up in git, so such values must come from the environment: `apiKeyEnv` for a
 * provider's key, `{ "$env": "NAME" }` anywhere else.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.-]+/)
    .filter(Boolean)
  const last = words.at(-1) ?? ''
  const pair = words.slice(-2).join(' ')
  return (
    ['token', 'secret', 'password', 'passphrase', 'apikey', 'apikeys'].includes(last) ||
    ['api key', 'api keys', 'master key', 'master keys', 'access key', 'private key'].includes(pair)
  )
}

/** `{ "$env": "NAME" }`: the value of the environment variable NAME, read when the instance is made. */
export interface EnvRef {
  $env: string
}

export function isEnvRef(value: unknown): value is EnvRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { $env?: unknown }).$env === 'string'
  )
}

/** The paths of the secrets written out in `value`: a secret-named field whose value is not `{ "$env" }`. */
export function literalSecrets(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => literalSecrets(item, [...path, i]))
  if (typeof value !== 'object' || value === null || isEnvRef(value)) return []
  return Object.entries(value).flatMap(([key, item]) =>
    isSecretName(key) && item !== undefined && item !== null && !isEnvRef(item)
      ? [[...path, key]]
      : literalSecrets(item, [...path, key]),
  )
}

/**
 * A copy of `value` with every `{ "$env": "NAME" }` in it replaced by that variable's value. An
 * unset or empty variable is a ConfigError naming the variable and where it was asked for (`at`,
 * e.g. `plugins[0].options`), never a value.
 *
 * @example resolveSecretEnv({ masterKey: { $env: 'AIMUX_MASTER_KEY' } }, { env: process.env })
 */
export function resolveSecretEnv<T>(value: T, options: { env?: NodeJS.ProcessEnv; at?: string } = {}): T {
  const env = options.env ?? process.env
  const walk = (item: unknown, at: string): unknown => {
    if (isEnvRef(item)) {
      const found = env[item.$env]
      if (found === undefined || found === '') {
        throw new ConfigError(`${at}: the environment variable ${item.$env} is not set.`)
      }
      return found
    }
    if (Array.isArray(item)) return item.map((entry, i) => walk(entry, `${at}[${i}]`))
    if (typeof item !== 'object' || item === null) return item
    return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry, `${at}.${key}`)]))
  }
  return walk(value, options.at ?? 'options') as T
}
