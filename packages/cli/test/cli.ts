import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'

/** The built bin, installed in a folder of its own (test/global-setup.ts). */
export const bin = inject('cliBin')
const packageModules = fileURLToPath(new URL('../node_modules', import.meta.url))

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Written to standard input, which is then closed; without it, standard input is /dev/null. */
  input?: string
  /** A file to read standard input from, as `aimux ... < file` does. */
  stdinFile?: string
  /** Another copy of the bin, installed elsewhere. */
  bin?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** A project folder: a config file, and node_modules with the packages it names, as an app has. */
export interface Project {
  dir: string
  run(args: readonly string[], options?: RunOptions): Promise<Run>
  remove(): Promise<void>
}

/**
 * The environment of every run: no colour, unless a test asks for it, no stray keys, and no
 * NODE_PATH (pnpm sets one for the test runner that finds every package of the workspace, which a
 * user's shell does not).
 */
export const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  for (const name of ['FORCE_COLOR', 'OPENAI_API_KEY', 'AIMUX_MASTER_KEY', 'AIMUX_DEBUG', 'NODE_PATH'])
    delete env[name]
  return env
}

/** Runs the bin with `args` in `cwd` and resolves when it has exited. */
export function runBin(args: readonly string[], options: RunOptions & { cwd: string }): Promise<Run> {
  const stdin = options.stdinFile ? openSync(options.stdinFile, 'r') : undefined
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? bin, ...args], {
      cwd: options.cwd,
      env: { ...baseEnv(), ...options.env },
      stdio: [stdin ?? (options.input === undefined ? 'ignore' : 'pipe'), 'pipe', 'pipe'],
    })
    if (stdin !== undefined) closeSync(stdin)
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * A temporary project whose aimux.config.json is `config`. Its node_modules links to this
 * package's, so the adapters, store and plugins the config names resolve from the config's
 * folder, as they do in an application.
 */
export async function createProject(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), 'aimux-cli-'))
  await symlink(packageModules, join(dir, 'node_modules'), 'dir')
  await writeFile(join(dir, 'aimux.config.json'), JSON.stringify(config, null, 2))
  return {
    dir,
    run: (args, options = {}) => runBin(args, { cwd: dir, ...options, env: { ...env, ...options.env } }),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
