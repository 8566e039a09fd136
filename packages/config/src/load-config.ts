import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from '@aimux/ai-core'
import { configError, fileLabel, issuesError } from './config-error.js'
import { configFileNames, findConfigFile } from './config-files.js'
import { type AimuxConfig, configSchema } from './config-schema.js'
import { parseJson } from './parse-json.js'

/** A config as loaded: the file it came from (none for an empty optional config) and its folder. */
export interface LoadedConfig {
  path: string | undefined
  /** The config file's folder, against which store paths and packages are resolved. */
  dir: string
  config: AimuxConfig
}

export interface LoadConfigOptions {
  /** The config file; without it, the nearest of `configFileNames` from `cwd` upwards. */
  path?: string
  /** Where a relative `path` and the search start; default the working directory. */
  cwd?: string
  /** With no file given or found: an empty config (no providers, memory store) instead of an error. */
  optional?: boolean
}

/**
 * Reads and validates a config file. Every mistake is a ConfigError whose message starts with the
 * file and names the field: `aimux.config.json: providers.openai.baseURL: Invalid URL`.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd())
  const path = options.path === undefined ? await findConfigFile(cwd) : resolve(cwd, options.path)
  if (path === undefined) {
    if (options.optional) return { path: undefined, dir: cwd, config: configSchema.parse({}) }
    throw configError(
      'aimux config',
      `no ${configFileNames.join(', ')} in ${cwd} or any folder above it. Create one (see docs/config.md) or pass its path.`,
    )
  }
  const file = fileLabel(path)
  try {
    if (!(await stat(path)).isFile()) throw configError(file, 'is a folder, not a file.')
  } catch (cause) {
    throw ConfigError.is(cause) ? cause : configError(file, notReadable(cause), cause)
  }
  const input = await readConfigFile(path, file)
  const parsed = configSchema.safeParse(input)
  if (!parsed.success) throw issuesError(file, parsed.error)
  return { path, dir: dirname(path), config: parsed.data }
}

/** The config a file holds, before validation: JSON parsed, or a module's export. */
async function readConfigFile(path: string, file: string): Promise<unknown> {
  const ext = extname(path)
  if (ext === '.json') {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (cause) {
      throw configError(file, notReadable(cause), cause)
    }
    const parsed = parseJson(text)
    if ('error' in parsed) {
      const { line, column, reason } = parsed.error
      throw configError(`${file}:${line}:${column}`, `invalid JSON: ${reason}`)
    }
    return parsed.value
  }
  if (ext === '.mjs' || ext === '.js' || ext === '.ts' || ext === '.mts') {
    let module: { default?: unknown; config?: unknown }
    try {
      module = await import(pathToFileURL(path).href)
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause)
      const hint =
        ext === '.ts' || ext === '.mts'
          ? ' (a .ts config needs Node.js 22.18, 23.6 or newer, which strip types by default)'
          : ''
      throw configError(file, `could not be loaded${hint}: ${reason}`, cause)
    }
    const config = module.default ?? module.config
    if (config === undefined) {
      throw configError(file, 'exports no config: write `export default defineConfig({ ... })`.')
    }
    return config
  }
  throw configError(
    file,
    `'${basename(path)}' is not a config file: name it ${configFileNames.join(', ')} (or use .json, .mjs or .ts).`,
  )
}

function notReadable(cause: unknown): string {
  const code = (cause as { code?: string } | undefined)?.code
  if (code === 'ENOENT') return 'no such file.'
  return `cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`
}
