import type { z } from 'zod'
import { ConfigError, ValidationError } from './errors.js'

/** Formats a zod path as `messages[0].content`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || '(root)'
}

/**
 * Parses `value` with `schema`, or throws a ValidationError (or `as`, e.g. ConfigError for a
 * plugin's options) that names every wrong field: `Invalid <what>: messages[0].content: ...`.
 * Only zod's messages are kept, never the values, so a wrong secret is not repeated.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  as: typeof ValidationError | typeof ConfigError = ValidationError,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((issue) => ({
    path: formatPath([...issue.path]),
    message: issue.message,
  }))
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  const error = new as(`Invalid ${what}: ${list}`, { cause: parsed.error })
  if (ValidationError.is(error)) error.issues = issues
  throw error
}

/** Checks a plugin's options: a ConfigError naming each wrong field, `Invalid <plugin> options: ...`. */
export function validateOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  plugin: string,
): z.output<S> {
  return validate(schema, options, `${plugin} options`, ConfigError)
}
