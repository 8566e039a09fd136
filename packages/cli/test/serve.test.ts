import { type ChildProcess, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseEnv, bin, runBin } from './cli.js'
import { OPENAI_KEY, type Setup, setUp } from './fixtures.js'

// aimux serve: the gateway when @aimux/gateway is installed, how to install it when it is not.

let setup: Setup
beforeAll(async () => {
  setup = await setUp()
})
afterAll(async () => {
  await setup.close()
})

/** Resolves with the first line of standard output, once the child has printed one. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '')
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${err}`)))
  })
}

describe('aimux serve', { timeout: 60_000 }, () => {
  it('starts the gateway on the config, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      cwd: setup.project.dir,
      env: { ...baseEnv(), OPENAI_API_KEY: OPENAI_KEY, AIMUX_ADMIN_TOKEN: 'admin-token-for-the-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const line = await firstLine(child)
      const url = /^aimux gateway listening on (http:\/\/127\.0\.0\.1:\d+) \(config: (.+)\)$/.exec(line)
      expect(url?.[2]).toBe(join(setup.project.dir, 'aimux.config.json'))
      const health = await fetch(`${url?.[1]}/healthz`)
      expect(health.status).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })

  it('says how to install the gateway when it is not installed', async () => {
    // An install of the CLI without the gateway: its files copied, its dependencies linked.
    const root = await mkdtemp(join(tmpdir(), 'aimux-cli-no-gateway-'))
    try {
      const modules = join(root, 'node_modules')
      const cliDir = join(modules, '@aimux', 'cli')
      const packageDir = fileURLToPath(new URL('..', import.meta.url))
      await mkdir(cliDir, { recursive: true })
      await cp(dirname(bin), join(cliDir, 'dist'), { recursive: true })
      await cp(join(packageDir, 'package.json'), join(cliDir, 'package.json'))
      const linked = [
        'commander',
        'listr2',
        '@inquirer/password',
        '@aimux/config',
        '@aimux/ai-core',
        '@aimux/ai-openai',
      ]
      for (const name of linked) {
        const target = await realpath(join(packageDir, 'node_modules', name))
        await mkdir(dirname(join(modules, name)), { recursive: true })
        await symlink(target, join(modules, name), 'dir')
      }
      await writeFile(join(root, 'aimux.config.json'), JSON.stringify({ providers: { openai: {} } }))
      const result = await runBin(['serve'], {
        cwd: root,
        bin: join(cliDir, 'dist', 'bin.js'),
        env: { OPENAI_API_KEY: OPENAI_KEY },
      })
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: aimux serve needs the gateway: npm install @aimux/gateway\n',
      })
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
