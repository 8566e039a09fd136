import { join } from 'node:path'
import { ConfigError } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { json, tempDir } from '../test/temp-dir.js'
import { loadConfig } from './load-config.js'

/**
 * The message of the ConfigError loading a config folder gives, with the folder (outside the
 * working directory, so named in full) written as `DIR`.
 */
async function failure(cwd: string, path?: string): Promise<string> {
  const error = await loadConfig({ cwd, ...(path ? { path } : {}) }).catch((e) => e)
  expect(ConfigError.is(error)).toBe(true)
  return error.message.replaceAll(cwd, 'DIR')
}

/** The lines of the error loading `config` as aimux.config.json gives. */
async function errorLines(config: unknown): Promise<string[]> {
  return (await failure(await tempDir({ 'aimux.config.json': json(config) }))).split('\n').sort()
}

describe('loadConfig', () => {
  it('reads the nearest aimux.config.json and fills in the defaults', async () => {
    const cwd = await tempDir({
      'aimux.config.json': json({
        $schema: './node_modules/@aimux/config/aimux.config.schema.json',
        providers: { openai: { apiKeyEnv: 'OPENAI_API_KEY' } },
        defaultModel: 'fast',
        aliases: { fast: 'openai:gpt-4o-mini' },
      }),
      'app/src/.keep': '',
    })
    const loaded = await loadConfig({ cwd: join(cwd, 'app', 'src') })
    expect(loaded.path).toBe(join(cwd, 'aimux.config.json'))
    expect(loaded.dir).toBe(cwd)
    expect(loaded.config.providers).toEqual({ openai: { apiKeyEnv: 'OPENAI_API_KEY' } })
    expect(loaded.config.store).toEqual({ type: 'memory' })
    expect(loaded.config.plugins).toEqual([])
    expect(loaded.config.gateway).toEqual({
      host: '127.0.0.1',
      port: 8787,
      adminTokenEnv: 'AIMUX_ADMIN_TOKEN',
      bodyLimitBytes: 10 * 1024 * 1024,
      keyCacheMs: 500,
    })
    expect(loaded.config.aliases).toEqual({ fast: 'openai:gpt-4o-mini' })
  })

  it('reads the file given, relative to cwd, and names it when it is missing', async () => {
    const cwd = await tempDir({ 'conf/prod.json': json({ store: { type: 'sqlite', path: 'data.db' } }) })
    const loaded = await loadConfig({ cwd, path: 'conf/prod.json' })
    expect(loaded.config.store).toEqual({ type: 'sqlite', path: 'data.db' })
    expect(loaded.dir).toBe(join(cwd, 'conf'))
    expect(await failure(cwd, 'conf/staging.json')).toBe('DIR/conf/staging.json: no such file.')
  })

  it('says which names it looked for, and from where, when there is no config', async () => {
    expect(await failure(await tempDir())).toBe(
      'aimux config: no aimux.config.json, aimux.config.mjs, aimux.config.ts in DIR or any folder above it. Create one (see docs/config.md) or pass its path.',
    )
  })

  it('gives an empty config when there is none and the config is optional', async () => {
    const cwd = await tempDir()
    const loaded = await loadConfig({ cwd, optional: true })
    expect(loaded.path).toBeUndefined()
    expect(loaded.dir).toBe(cwd)
    expect(loaded.config.providers).toEqual({})
    expect(loaded.config.store).toEqual({ type: 'memory' })
  })

  it('names the file, line and column of a JSON syntax error, quoting nothing from it', async () => {
    const cwd = await tempDir({
      'aimux.config.json': '{\n  "providers": {\n    "openai": { "apiKeyEnv": OPENAI }\n  }\n}\n',
    })
    expect(await failure(cwd)).toBe('DIR/aimux.config.json:3:30: invalid JSON: invalid symbol')
    const trailing = await tempDir({ 'aimux.config.json': '{\n  "defaultModel": "openai:gpt-4o",\n}\n' })
    expect(await failure(trailing)).toBe('DIR/aimux.config.json:3:1: invalid JSON: property name expected')
    const empty = await tempDir({ 'aimux.config.json': '' })
    expect(await failure(empty)).toBe('DIR/aimux.config.json:1:1: invalid JSON: value expected')
  })

  it('loads aimux.config.mjs: its default export, or `export const config`', async () => {
    const cwd = await tempDir({
      'aimux.config.mjs': `export default { providers: { anthropic: {} }, defaultModel: 'anthropic:claude-haiku-4-5' }\n`,
    })
    const loaded = await loadConfig({ cwd })
    expect(loaded.path).toBe(join(cwd, 'aimux.config.mjs'))
    expect(loaded.config.defaultModel).toBe('anthropic:claude-haiku-4-5')
    const named = await tempDir({ 'aimux.config.mjs': `export const config = { gateway: { port: 9000 } }\n` })
    expect((await loadConfig({ cwd: named })).config.gateway.port).toBe(9000)
    const none = await tempDir({ 'aimux.config.mjs': 'export const other = 1\n' })
    expect(await failure(none)).toBe(
      'DIR/aimux.config.mjs: exports no config: write `export default defineConfig({ ... })`.',
    )
  })

  it('loads aimux.config.ts, typed with defineConfig', async () => {
    const cwd = await tempDir({
      'aimux.config.ts': [
        "import type { AimuxConfigInput } from '@aimux/config'",
        'const port: number = 8080',
        'const config: AimuxConfigInput = { gateway: { port }, aliases: { fast: "openai:gpt-4o-mini" } }',
        'export default config',
        '',
      ].join('\n'),
    })
    const loaded = await loadConfig({ cwd })
    expect(loaded.config.gateway.port).toBe(8080)
    expect(loaded.config.aliases).toEqual({ fast: 'openai:gpt-4o-mini' })
  })

  it('validates a module config as it validates JSON, naming the module file', async () => {
    const cwd = await tempDir({ 'aimux.config.mjs': 'export default { gateway: { port: "80" } }\n' })
    expect(await failure(cwd)).toBe(
      'DIR/aimux.config.mjs: gateway.port: Invalid input: expected number, received string',
    )
  })

  it('names the module file when it fails to load', async () => {
    const cwd = await tempDir({ 'aimux.config.mjs': 'throw new Error("broken on purpose")\n' })
    expect(await failure(cwd)).toBe('DIR/aimux.config.mjs: could not be loaded: broken on purpose')
  })
})

describe('config validation', () => {
  it('names the path of every wrong field, each on a line that starts with the file', async () => {
    const lines = await errorLines({
      providers: { openai: { baseURL: 'not a url' } },
      store: { type: 'sqlite', path: '' },
      gateway: { port: 70_000, bodyLimitBytes: -1, adminTokenEnv: 'has space', keyCacheMs: -1 },
      budgets: [{ scope: 'user', limitUsd: -5, period: 'month' }],
      maxSteps: 0,
      unpricedModels: 'sometimes',
      plugins: [{ export: 'x' }],
    })
    expect(lines.every((line) => line.startsWith('DIR/aimux.config.json: '))).toBe(true)
    const paths = lines.map((line) => line.split(': ')[1]).sort()
    expect(paths).toEqual([
      'budgets[0].limitUsd',
      'gateway.adminTokenEnv',
      'gateway.bodyLimitBytes',
      'gateway.keyCacheMs',
      'gateway.port',
      'maxSteps',
      'plugins[0].package',
      'providers.openai.baseURL',
      'store.path',
      'unpricedModels',
    ])
    expect(lines).toContain('DIR/aimux.config.json: providers.openai.baseURL: Invalid URL')
  })

  it('refuses unknown fields, at the top and within a section', async () => {
    expect(
      await errorLines({ provider: {}, gateway: { prot: 1 }, providers: { openai: { key: 'x' } } }),
    ).toEqual([
      'DIR/aimux.config.json: (root): Unrecognized key: "provider"',
      'DIR/aimux.config.json: gateway: Unrecognized key: "prot"',
      'DIR/aimux.config.json: providers.openai: Unrecognized key: "key"',
    ])
  })

  it('needs a package for a provider id it does not know, and an id a package can register', async () => {
    expect(await errorLines({ providers: { mine: {}, claude: { package: '@aimux/ai-anthropic' } } })).toEqual(
      [
        "DIR/aimux.config.json: providers.claude: @aimux/ai-anthropic registers the provider 'anthropic': name this entry 'anthropic'",
        "DIR/aimux.config.json: providers.mine.package: 'mine' is not a built-in provider (openai, anthropic, xai, gemini, ollama, openrouter): name the package that provides it",
      ],
    )
  })

  it('refuses a secret written in the file, anywhere in options, without repeating it', async () => {
    const secret = 'sk-live-0123456789abcdef'
    const lines = await errorLines({
      providers: {
        openai: { options: { apiKey: secret } },
        mine: { package: 'p', options: { auth: { token: secret } } },
      },
      plugins: [
        { package: '@aimux/ai-rotation', options: { connections: [{ credentials: { api_key: secret } }] } },
        { package: 'ok', options: { masterKey: { $env: 'AIMUX_MASTER_KEY' } } },
      ],
    })
    expect(lines.join('\n')).not.toContain(secret)
    expect(lines).toEqual([
      'DIR/aimux.config.json: plugins[0].options.connections[0].credentials.api_key: a secret in a config file ends up in git: write { "$env": "NAME" } and set the environment variable NAME',
      'DIR/aimux.config.json: providers.mine.options.auth.token: a secret in a config file ends up in git: set apiKeyEnv to the name of the environment variable that holds the key',
      'DIR/aimux.config.json: providers.openai.options.apiKey: a secret in a config file ends up in git: set apiKeyEnv to the name of the environment variable that holds the key',
    ])
  })

  it('refuses a database, Redis or provider URL with a password, without repeating it', async () => {
    const lines = await errorLines({
      store: { type: 'postgres', url: 'postgres://app:hunter2-secret@db.internal:5432/aimux' },
      redis: { url: 'redis://:hunter2-secret@cache.internal:6379' },
      providers: { ollama: { baseURL: 'https://me:hunter2-secret@ollama.internal' } },
    })
    expect(lines.join('\n')).not.toContain('hunter2')
    expect(lines).toEqual([
      'DIR/aimux.config.json: providers.ollama.baseURL: holds a password, which would end up in git with this file: use apiKeyEnv for the key',
      'DIR/aimux.config.json: redis.url: holds a password, which would end up in git with this file: put the URL in an environment variable and name it in urlEnv',
      'DIR/aimux.config.json: store.url: holds a password, which would end up in git with this file: put the URL in an environment variable and name it in urlEnv',
    ])
  })

  it('checks aliases and the default model as createAI does, once the fields are valid', async () => {
    const lines = await errorLines({
      aliases: { 'a:b': 'openai:gpt-4o', fast: 'openai:gpt-4o-mini' },
      defaultModel: 'fsat',
    })
    expect(lines).toEqual([
      'DIR/aimux.config.json: aliases["a:b"]: \'a:b\' cannot be an alias: an alias name is not empty, has no ":" and does not start with "@"',
      'DIR/aimux.config.json: defaultModel: must be written "provider:model", e.g. "openai:gpt-4o-mini", or name a "@group" or an alias',
    ])
  })

  it('reports each mistake once', async () => {
    expect(await errorLines({ budgets: [{ scope: 'user', limitUsd: 0, period: 'month' }] })).toEqual([
      'DIR/aimux.config.json: budgets[0].limitUsd: Too small: expected number to be >0',
    ])
  })

  it('names the store type it does not know', async () => {
    expect(await errorLines({ store: { type: 'mysql' } })).toEqual([
      "DIR/aimux.config.json: store.type: Invalid discriminator value. Expected 'memory' | 'sqlite' | 'postgres'",
    ])
  })
})
