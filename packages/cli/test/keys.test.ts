import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bin, createProject, type Project, type Run } from './cli.js'
import { OPENAI_KEY, type Setup, setUp } from './fixtures.js'
import { startTerminal } from './tmux.js'

// keys: the rotation plugin's connections, through the config's plugin entry.

const v1 = randomBytes(32).toString('hex')
const v2 = randomBytes(32).toString('hex')
const KEY_1 = `rot-${randomBytes(12).toString('hex')}`
const KEY_2 = `rot-${randomBytes(12).toString('hex')}`
const KEY_3 = `rot-${randomBytes(12).toString('hex')}`
const secrets = [KEY_1, KEY_2, KEY_3, v1, v2, OPENAI_KEY]

let setup: Setup
const outputs: Run[] = []
beforeAll(async () => {
  setup = await setUp(
    { plugins: [{ package: '@aimux/ai-rotation', export: 'rotation' }] },
    { AIMUX_MASTER_KEY: v1, OPENAI_API_KEY: '' },
  )
})
afterAll(async () => {
  await setup.close()
})

/** Runs the bin in the project and keeps its output for the scan for secrets at the end. */
async function aimux(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const result = await setup.project.run(args, options)
  outputs.push(result)
  return result
}

interface Listed {
  id: string
  status: string
  priority: number
  source: string
  keyVersion?: string
  usable: boolean
  disabledReason?: string
  health: { successes: number; failures: number } | null
}
const list = async (env: NodeJS.ProcessEnv = {}) =>
  JSON.parse((await aimux(['keys', 'list', '--json'], { env })).stdout) as Listed[]

describe('aimux keys', { timeout: 120_000 }, () => {
  it('add reads the key from standard input, and the calls use it', async () => {
    expect(await aimux(['keys', 'list'])).toEqual({ code: 0, stdout: '', stderr: 'No connections.\n' })
    const added = await aimux(['keys', 'add', 'openai', '--id', 'k1', '--priority', '1', '--rpm', '500'], {
      input: `${KEY_1}\n`,
    })
    expect(added).toEqual({
      code: 0,
      stdout: 'Added k1 (openai, priority 1, weight 1, active).\n',
      stderr: '',
    })

    setup.server.enqueue({ text: 'hello' })
    expect((await aimux(['chat', 'Hi'])).stdout).toBe('hello\n')
    expect(setup.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY_1}`)

    const [k1] = await list()
    expect(k1).toMatchObject({
      id: 'k1',
      status: 'active',
      priority: 1,
      source: 'store',
      keyVersion: 'v1',
      usable: true,
    })
    expect(k1?.health).toMatchObject({ successes: 1, failures: 0 })
    const table = (await aimux(['keys', 'list'])).stdout.split('\n')
    expect(table[0]).toMatch(/^ID +PROVIDER +STATUS +PRIORITY +WEIGHT +SOURCE +OK +FAILED +LATENCY +NOTE$/)
    expect(table[1]).toMatch(/^k1 +openai +active +1 +1 +store v1 +1 +0 +\d+ ms$/)
  })

  it('refuses a key on the command line and an empty standard input', async () => {
    const empty = await aimux(['keys', 'add', 'openai', '--id', 'k9'])
    expect(empty).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no key on standard input: pipe it in, or run this in a terminal to type it\n',
    })
    const onArgv = await aimux(['keys', 'add', 'openai', KEY_2])
    expect(onArgv).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: keys add takes the key from standard input or a prompt, never from the command line, where `ps` and the shell history show it\n',
    })
  })

  it('test asks the provider whether a key works', async () => {
    expect(await aimux(['keys', 'test', 'k1'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^k1: ok \(\d+ ms\)\n$/),
    })
    await aimux(['keys', 'add', 'openai', '--id', 'k2', '--base-url', 'http://127.0.0.1:9/v1'], {
      input: KEY_2,
    })
    const failed = await aimux(['keys', 'test', 'k2'])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/^k2: failed: connection: /)
    const json = JSON.parse((await aimux(['keys', 'test', 'k2', '--json'])).stdout)
    expect(json).toMatchObject({ id: 'k2', ok: false, error: { code: 'connection' } })
    expect((await aimux(['keys', 'remove', 'k2'])).stdout).toBe('Removed k2.\n')
    expect(await aimux(['keys', 'remove', 'k2'])).toMatchObject({
      code: 1,
      stderr: "error: There is no connection 'k2'.\n",
    })
  })

  it('disable, enable and retire change the status, with the reason shown', async () => {
    const disabled = await aimux(['keys', 'disable', 'k1', '--reason', 'leaked in a log'])
    expect(disabled.stdout).toBe('k1 (openai, priority 1, weight 1, disabled: leaked in a log).\n')
    expect((await list())[0]).toMatchObject({ status: 'disabled', disabledReason: 'leaked in a log' })
    setup.server.enqueue({ text: 'never sent' })
    const refused = await aimux(['chat', 'Hi'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^error: AuthenticationError: .*k1.*leaked in a log/)
    expect((await aimux(['keys', 'enable', 'k1'])).stdout).toBe(
      'k1 (openai, priority 1, weight 1, active).\n',
    )
    expect((await aimux(['keys', 'retire', 'k1'])).stdout).toBe(
      'k1 (openai, priority 1, weight 1, retiring).\n',
    )
  })

  it('rotate-master-key re-encrypts under the newest key, after which the old one can go', async () => {
    const both = { AIMUX_MASTER_KEY: `v2:${v2},v1:${v1}` }
    const rotated = await aimux(['keys', 'rotate-master-key'], { env: both })
    expect(rotated).toEqual({
      code: 0,
      stdout: 'Re-encrypted 1 connections under master key v2.\n',
      stderr: '',
    })
    const onlyNew = await aimux(['keys', 'list', '--json'], { env: { AIMUX_MASTER_KEY: `v2:${v2}` } })
    expect(JSON.parse(onlyNew.stdout)).toEqual([
      expect.objectContaining({ id: 'k1', keyVersion: 'v2', usable: true }),
    ])
  })

  it('types the key at a prompt that shows nothing, in a terminal', async () => {
    const terminal = await startTerminal([process.execPath, bin, 'keys', 'add', 'openai', '--id', 'k3'], {
      cwd: setup.project.dir,
      env: { AIMUX_MASTER_KEY: `v2:${v2}`, NO_COLOR: '1' },
    })
    try {
      await terminal.waitFor('API key for openai (not shown):')
      await terminal.type(KEY_3)
      await terminal.send('Enter')
      const screen = await terminal.waitFor('[exited 0]')
      expect(screen).toContain('Added k3 (openai, priority 0, weight 1, active).')
      expect(screen).not.toContain(KEY_3)
      expect(screen).not.toContain(KEY_3.slice(-6))
    } finally {
      await terminal.close()
    }
    expect((await list({ AIMUX_MASTER_KEY: `v2:${v2}` })).map((c) => c.id)).toEqual(['k1', 'k3'])
  })

  it('never prints a key or a master key', () => {
    expect(outputs.length).toBeGreaterThan(10)
    for (const { stdout, stderr } of outputs) {
      for (const secret of secrets) {
        expect(stdout).not.toContain(secret)
        expect(stderr).not.toContain(secret)
      }
    }
  })
})

describe('aimux keys without the rotation plugin', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject({ providers: { openai: {} } }, { OPENAI_API_KEY: OPENAI_KEY })
  })
  afterAll(async () => {
    await project.remove()
  })

  it('says how to add it', async () => {
    const result = await project.run(['keys', 'list'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: keys needs the rotation plugin: add { "package": "@aimux/ai-rotation", "export": "rotation" } to "plugins" in ${project.dir}/aimux.config.json (and npm install @aimux/ai-rotation)\n`,
    )
  })
})
