import { type ConfigError, ValidationError } from '@aimux/ai-core'
import type { z } from 'zod'

/**
 * Parses `value` with `schema`, or throws the given error class with every wrong field named:
 * `Invalid <what>: servers.files.command: ...`.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  ErrorClass: typeof ConfigError | typeof ValidationError = ValidationError,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }))
  const error = new ErrorClass(`Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`)
  if (error instanceof ValidationError) error.issues = issues
  throw error
}

/** `mcp[0]`, `servers.files.command`: a zod path as the core writes it. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key)
  return out || '(root)'
}
