import { z } from 'zod'
import { redactSecrets } from '../errors/redact-secrets.js'

/**
 * What aimux logs to: pino's interface, each level called as `(obj, msg)`. A pino logger fits as
 * it is; so does `console` (it prints the object, then the message). `isLevelEnabled`, when the
 * logger has it (pino does), is asked once, at `createAI()`, whether to send debug lines.
 */
export interface AimuxLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
  isLevelEnabled?(level: string): boolean
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

/** Checks the `logger` option: an object with the four level methods; names the ones missing. */
export const loggerSchema = z.custom<AimuxLogger>().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a logger with debug, info, warn and error methods' })
    return
  }
  const missing = levels.filter(
    (level) => typeof (value as unknown as Record<string, unknown>)[level] !== 'function',
  )
  if (missing.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must have debug, info, warn and error methods; missing ${missing.join(', ')}`,
    })
  }
})

/** True when the environment asks for debug lines: `AIMUX_DEBUG=1` (or `true`). */
export function debugFromEnv(): boolean {
  const value = globalThis.process?.env?.AIMUX_DEBUG
  return value === '1' || value === 'true'
}

/** How deep a logged object is copied; anything deeper is left out. */
const maxDepth = 5

/**
 * A copy of `value` safe to log: every string with anything shaped like an API key or a bearer
 * token masked; an error reduced to its name, code, message, status, provider, model, retryable
 * flag and cause (never an SDK error's headers, request or body).
 */
export function maskForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value)
  if (typeof value !== 'object' || value === null) return value
  if (depth >= maxDepth) return '[deeper]'
  if (Array.isArray(value)) return value.map((item) => maskForLog(item, depth + 1))
  if (value instanceof Error) return maskError(value, depth)
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) copy[key] = maskForLog(item, depth + 1)
  }
  return copy
}

function maskError(error: Error, depth: number): Record<string, unknown> {
  const source = error as Error & Record<string, unknown>
  const copy: Record<string, unknown> = { name: error.name, message: redactSecrets(error.message) }
  for (const field of ['code', 'status', 'provider', 'model', 'retryable', 'retryAfterMs'] as const) {
    const item = source[field]
    if (typeof item === 'string') copy[field] = redactSecrets(item)
    else if (typeof item === 'number' || typeof item === 'boolean') copy[field] = item
  }
  if (error.cause !== undefined) copy.cause = maskForLog(error.cause, depth + 1)
  return copy
}

/**
 * The logger aimux calls: each line masked, and a logger that throws never reaches a call or the
 * background work that logged.
 */
export function safeLogger(logger: AimuxLogger): Record<LogLevel, (obj: object, msg: string) => void> {
  const at =
    (level: LogLevel) =>
    (obj: object, msg: string): void => {
      try {
        logger[level](maskForLog(obj) as object, msg)
      } catch {
        // A broken logger must not break what it logs.
      }
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * The logger `AIMUX_DEBUG=1` uses when `createAI()` was given none: one line per entry on stderr,
 * `aimux <level> <what> key=value ...`, nested fields written `err.code=...`.
 */
export function stderrLogger(write: (line: string) => void = writeStderr): AimuxLogger {
  const at = (level: LogLevel) => (obj: object, msg: string) => {
    const what = msg.startsWith('aimux ') ? msg.slice('aimux '.length) : msg
    const fields = logfmt(obj)
    write(`aimux ${level} ${what}${fields ? ` ${fields}` : ''}\n`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

function writeStderr(line: string): void {
  const stderr = globalThis.process?.stderr
  if (stderr) stderr.write(line)
  else console.error(line.trimEnd())
}

/** `key=value` pairs; a value with spaces, quotes or `=` is quoted; nested objects flattened. */
function logfmt(obj: object, prefix = ''): string {
  const pairs: string[] = []
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue
    const name = `${prefix}${key}`
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const nested = logfmt(value, `${name}.`)
      if (nested) pairs.push(nested)
      continue
    }
    const text = Array.isArray(value) ? value.map(String).join(',') : String(value)
    pairs.push(`${name}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`)
  }
  return pairs.join(' ')
}
