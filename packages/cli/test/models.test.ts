import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin, createProject } from './cli.js'
import { OPENAI_KEY, type Setup, setUp } from './fixtures.js'
import { startTerminal } from './tmux.js'

// models sync / list and prices, against the fake OpenAI server's model list.

let setup: Setup
beforeAll(async () => {
  setup = await setUp({ prices: [{ provider: 'openai', model: 'gpt-4o', price: { input: 2, output: 8 } }] })
})
afterAll(async () => {
  await setup.close()
})

describe('aimux models', () => {
  it('list says how to fill an empty catalog', async () => {
    const result = await setup.project.run(['models', 'list'])
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: 'The catalog has no models yet: run `aimux models sync`.\n',
    })
  })

  it('sync prints a line per provider when standard output is not a terminal', async () => {
    const result = await setup.project.run(['models', 'sync'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('openai: syncing\n')
    expect(result.stdout).toContain('✔ openai: 2 models\n')
    expect(setup.server.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1)
  })

  it('list shows the synced models with the prices in force', async () => {
    const result = await setup.project.run(['models', 'list'])
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      'MODEL               CONTEXT  INPUT/1M  OUTPUT/1M  CAN',
      'openai:gpt-4o                      $2         $8',
      'openai:gpt-4o-mini              $0.15       $0.6',
      '',
    ])
    const json = JSON.parse((await setup.project.run(['models', 'list', '-p', 'openai', '--json'])).stdout)
    expect(json).toEqual([
      expect.objectContaining({ provider: 'openai', id: 'gpt-4o', price: { input: 2, output: 8 } }),
      expect.objectContaining({
        provider: 'openai',
        id: 'gpt-4o-mini',
        price: expect.objectContaining({ input: 0.15 }),
      }),
    ])
  })

  it('sync on a terminal redraws the line of each provider in place, from syncing to its count', async () => {
    const terminal = await startTerminal([process.execPath, bin, 'models', 'sync'], {
      cwd: setup.project.dir,
      env: { OPENAI_API_KEY: OPENAI_KEY, NO_COLOR: '1' },
    })
    try {
      const screen = await terminal.waitFor('[exited 0]')
      expect(screen).toContain('✔ openai: 2 models')
      // The live line became the result: what a pipe gets as two lines is one line here.
      expect(screen).not.toContain('openai: syncing')
    } finally {
      await terminal.close()
    }
  })

  it('sync --json and an unknown --provider', async () => {
    const json = await setup.project.run(['models', 'sync', '--json'])
    expect(JSON.parse(json.stdout)).toEqual([{ provider: 'openai', models: 2 }])
    const unknown = await setup.project.run(['models', 'sync', '-p', 'mistral'])
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: --provider: 'mistral' is not configured (configured: openai)\n",
    })
  })

  it('sync exits with 1 when a provider fails, and says which', async () => {
    const project = await createProject(
      { providers: { openai: { baseURL: 'http://127.0.0.1:9/v1' } } },
      { OPENAI_API_KEY: OPENAI_KEY },
    )
    try {
      const result = await project.run(['models', 'sync'])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('✖ openai [FAILED: ConnectionError: openai: Connection error.]\n')
      expect(result.stderr).toContain('1 of 1 providers failed.')
      const json = await project.run(['models', 'sync', '--json'])
      expect(json.code).toBe(1)
      expect(JSON.parse(json.stdout)).toEqual([
        { provider: 'openai', models: 0, error: { code: 'connection', message: expect.any(String) } },
      ])
    } finally {
      await project.remove()
    }
  })
})

describe('aimux prices', () => {
  it('shows the built-in price of a model per million tokens', async () => {
    const result = await setup.project.run(['prices', 'openai:gpt-4o-mini'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      [
        'openai:gpt-4o-mini, USD per million tokens',
        'TOKENS         PRICE',
        'input          $0.15',
        'cached input  $0.075',
        'output          $0.6',
        '',
      ].join('\n'),
    )
  })

  it("the config's own price wins, and --json gives it exactly", async () => {
    const result = await setup.project.run(['prices', 'openai:gpt-4o', '--at', '2026-11-01', '--json'])
    expect(JSON.parse(result.stdout)).toEqual({
      model: 'openai:gpt-4o',
      at: '2026-11-01T00:00:00.000Z',
      price: { input: 2, output: 8 },
    })
  })

  it('a model without a price is an error', async () => {
    const result = await setup.project.run(['prices', 'openai:o9-preview'])
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: No price is known for openai:o9-preview.\n',
    })
  })
})
