import { isAbsolute, relative } from 'node:path'
import { ConfigError } from '@aimux/ai-core'
import type { z } from 'zod'

/** How errors name a config file: relative to the working directory when inside it, else in full. */
export function fileLabel(path: string | undefined, cwd: string = process.cwd()): string {
  if (path === undefined) return 'aimux config'
  const near = relative(cwd, path)
  return near && !near.startsWith('..') && !isAbsolute(near) ? near : path
}

/** A ConfigError whose message starts with the file: `aimux.config.json: providers.openai: ...`. */
export function configError(file: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError(`${file}: ${message}`, cause === undefined ? undefined : { cause })
}

/** `providers.openai.baseURL`, `budgets[0].limitUsd`, `aliases['a:b']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key)
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out || '(root)'
}

/**
 * One line per wrong field, each starting with the file: `aimux.config.json: gateway.port: ...`.
 * zod's messages name what was expected, never the value given, so no secret is repeated.
 */
export function issuesError(file: string, error: z.ZodError): ConfigError {
  const lines = error.issues.map((issue) => `${file}: ${formatPath(issue.path)}: ${issue.message}`)
  return new ConfigError(lines.join('\n'), { cause: error })
}
