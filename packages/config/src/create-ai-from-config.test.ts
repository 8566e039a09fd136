import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ConfigError } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, mockProvider, openaiChatProtocol } from '@aimux/ai-testing'
import { Client } from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { json, tempDir } from '../test/temp-dir.js'
import { createAIFromConfig } from './create-ai-from-config.js'
import { loadConfig } from './load-config.js'

const messages = [{ role: 'user' as const, content: 'Capital of France?' }]
const apiKey = 'sk-config-test-0123456789abcdef'
const servers: FakeServer[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function openaiServer(): Promise<FakeServer> {
  const server = await createFakeServer(openaiChatProtocol())
  servers.push(server)
  return server
}

/** Writes `config` as aimux.config.json in a fresh folder (with `files` beside it) and loads it. */
async function load(config: unknown, files: Record<string, string> = {}) {
  const cwd = await tempDir({ 'aimux.config.json': json(config), ...files })
  return loadConfig({ cwd })
}

/**
 * The message of the error createAIFromConfig gives, checked to be a ConfigError, with the config
 * file (outside the working directory, so named in full) written as `FILE`.
 */
async function failure(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const cwd = await tempDir({ 'aimux.config.json': json(config) })
  const error = await createAIFromConfig(await loadConfig({ cwd }), { env }).catch((e) => e)
  expect(ConfigError.is(error)).toBe(true)
  return error.message.replaceAll(join(cwd, 'aimux.config.json'), 'FILE')
}

describe('createAIFromConfig', () => {
  it('answers a chat through the openai package, its key read from apiKeyEnv, by alias', async () => {
    const server = await openaiServer()
    const loaded = await load({
      providers: { openai: { apiKeyEnv: 'MY_OPENAI_KEY', baseURL: `${server.url}/v1` } },
      aliases: { fast: 'openai:gpt-4o-mini' },
      defaultModel: 'fast',
    })
    const ai = await createAIFromConfig(loaded, { env: { MY_OPENAI_KEY: apiKey } })
    try {
      server.enqueue({ text: 'Paris.', usage: { inputTokens: 1000, outputTokens: 200 } })
      const res = await ai.chat({ messages })
      expect([res.text, res.provider, res.model]).toEqual(['Paris.', 'openai', 'gpt-4o-mini'])
      // 1000 input x $0.15 + 200 output x $0.60, per million tokens: OpenAI's built-in prices.
      expect(res.cost.nanoUsd).toBe(150_000 + 120_000)
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`)
      expect(ai.models.routes().aliases).toEqual({ fast: 'openai:gpt-4o-mini' })
    } finally {
      await ai.close()
    }
  })

  it("reads the adapter's own variable when apiKeyEnv is not given", async () => {
    const server = await openaiServer()
    const loaded = await load({ providers: { openai: { baseURL: `${server.url}/v1` } } })
    const ai = await createAIFromConfig(loaded, { env: { OPENAI_API_KEY: apiKey } })
    try {
      server.enqueue({ text: 'ok' })
      await ai.chat({ model: 'openai:gpt-4o-mini', messages })
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`)
    } finally {
      await ai.close()
    }
  })

  it('registers a second entry of one package under its own id', async () => {
    const server = await openaiServer()
    const loaded = await load({
      providers: {
        'openai-eu': { package: '@aimux/ai-openai', apiKeyEnv: 'EU_KEY', baseURL: `${server.url}/v1` },
      },
    })
    const ai = await createAIFromConfig(loaded, { env: { EU_KEY: apiKey } })
    try {
      expect(ai.providers.list()).toEqual(['openai-eu'])
      server.enqueue({ text: 'Bonjour.' })
      const res = await ai.chat({ model: 'openai-eu:gpt-4o-mini', messages })
      expect([res.provider, res.text]).toEqual(['openai-eu', 'Bonjour.'])
    } finally {
      await ai.close()
    }
  })

  it('keeps conversations and usage in a SQLite file under the config folder', async () => {
    const server = await openaiServer()
    const loaded = await load({
      providers: { openai: { apiKeyEnv: 'KEY', baseURL: `${server.url}/v1` } },
      store: { type: 'sqlite', path: 'data/aimux.db' },
      defaultModel: 'openai:gpt-4o-mini',
    })
    const env = { KEY: apiKey }
    const first = await createAIFromConfig(loaded, { env })
    server.enqueue({ text: 'Paris.', usage: { inputTokens: 10, outputTokens: 2 } })
    const res = await first.chat({ messages, scope: { userId: 'u1' } })
    await first.close()
    expect((await stat(join(loaded.dir, 'data', 'aimux.db'))).isFile()).toBe(true)
    const second = await createAIFromConfig(loaded, { env })
    try {
      expect(await second.usage.get(res.requestId)).toMatchObject({
        provider: 'openai',
        model: 'gpt-4o-mini',
        userId: 'u1',
        inputTokens: 10,
        outputTokens: 2,
      })
    } finally {
      await second.close()
    }
  })

  it('opens PostgreSQL from the URL in urlEnv', async () => {
    const url = process.env.AIMUX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/aimux_test'
    const schema = `aimux_test_${randomUUID().replaceAll('-', '')}`
    const loaded = await load({ store: { type: 'postgres', urlEnv: 'TEST_DB_URL', schema } })
    try {
      const ai = await createAIFromConfig(loaded, { env: { TEST_DB_URL: url } })
      const chat = await ai.conversation({ userId: 'u1', title: 'Kept in PostgreSQL' })
      await ai.close()
      const client = new Client({ connectionString: url })
      await client.connect()
      try {
        const rows = await client.query(`SELECT title FROM "${schema}".conversations WHERE id = $1`, [
          chat.id,
        ])
        expect(rows.rows).toEqual([{ title: 'Kept in PostgreSQL' }])
      } finally {
        await client.end()
      }
    } finally {
      const client = new Client({ connectionString: url })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end())
    }
  })

  it('loads a plugin package from the config folder, with options read from the environment', async () => {
    const plugin = `
export function echoProvider(options) {
  return {
    name: 'echo',
    setup(host) {
      host.registerProvider({
        id: options.id ?? 'echo',
        async generate(request) {
          const text = options.greeting + ' / key ' + (options.apiKey ? 'set' : 'unset') + ' / ' + request.model
          return { content: [{ type: 'text', text }], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }
        },
        async *stream() {},
      })
    },
  }
}
`
    const loaded = await load(
      {
        providers: {
          echo: {
            package: 'echo-aimux-plugin',
            export: 'echoProvider',
            apiKeyEnv: 'ECHO_KEY',
            options: { greeting: { $env: 'GREETING' } },
          },
        },
        unpricedModels: 'allow',
      },
      {
        'node_modules/echo-aimux-plugin/package.json': json({
          name: 'echo-aimux-plugin',
          type: 'module',
          exports: './index.js',
        }),
        'node_modules/echo-aimux-plugin/index.js': plugin,
      },
    )
    const ai = await createAIFromConfig(loaded, { env: { ECHO_KEY: 'k', GREETING: 'hello' } })
    try {
      expect((await ai.chat({ model: 'echo:any', messages })).text).toBe('hello / key set / any')
    } finally {
      await ai.close()
    }
    const error = await createAIFromConfig(loaded, { env: { ECHO_KEY: 'k' } }).catch((e) => e)
    expect(error.message).toBe(
      `${loaded.path}: providers.echo.options.greeting: the environment variable GREETING is not set.`,
    )
  })

  it('adds the plugins the caller passes after the config', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'from the mock' } })
    const loaded = await load({ aliases: { main: 'mock:m' }, defaultModel: 'main' })
    const ai = await createAIFromConfig(loaded, { plugins: [mock] })
    try {
      expect((await ai.chat({ messages })).text).toBe('from the mock')
    } finally {
      await ai.close()
    }
  })

  it('names the package to install when one is missing', async () => {
    expect(await failure({ providers: { anthropic: {} } })).toBe(
      'FILE: providers.anthropic: @aimux/ai-anthropic is not installed (npm install @aimux/ai-anthropic)',
    )
    expect(await failure({ redis: {} }, { REDIS_URL: 'redis://127.0.0.1:6379' })).toBe(
      'FILE: redis: @aimux/redis is not installed (npm install @aimux/redis)',
    )
    expect(await failure({ plugins: [{ package: '@aimux/ai-rotation' }] })).toBe(
      'FILE: plugins[0]: @aimux/ai-rotation is not installed (npm install @aimux/ai-rotation)',
    )
  })

  it('names a missing factory export', async () => {
    expect(await failure({ plugins: [{ package: '@aimux/ai-openai', export: 'openAI' }] })).toMatch(
      /^FILE: plugins\[0\]: @aimux\/ai-openai exports no function 'openAI' \(it exports .*\bopenai\b.*\); name the factory in "export"\.$/,
    )
  })

  it('names an environment variable the config asks for that is not set', async () => {
    expect(await failure({ providers: { openai: { apiKeyEnv: 'PROD_OPENAI_KEY' } } })).toBe(
      'FILE: providers.openai.apiKeyEnv: the environment variable PROD_OPENAI_KEY is not set.',
    )
    expect(await failure({ store: { type: 'postgres' } })).toBe(
      'FILE: store.urlEnv: the environment variable DATABASE_URL is not set.',
    )
  })

  it("reports createAI's and the adapters' own errors as ConfigErrors of the file, without the key", async () => {
    const env = { OPENAI_API_KEY: apiKey }
    const alias = await failure(
      { providers: { openai: {} }, aliases: { fast: 'anthropic:claude-haiku-4-5' } },
      env,
    )
    expect(alias).toBe(
      "FILE: The alias 'fast' names 'anthropic:claude-haiku-4-5': Unknown provider 'anthropic' in model 'anthropic:claude-haiku-4-5'. Registered providers: openai.",
    )
    const options = await failure({ providers: { openai: { options: { api: 'completions' } } } }, env)
    expect(options).toMatch(/^FILE: providers\.openai: Invalid openai options: api: /)
    expect(options).not.toContain(apiKey)
    const group = await failure(
      { providers: { openai: {} }, groups: { main: { models: ['xai:grok-4'] } } },
      env,
    )
    expect(group).toBe("FILE: Unknown provider 'xai' in model 'xai:grok-4'. Registered providers: openai.")
  })
})
