import { ConfigError, ValidationError } from '@aimux/ai-core'
import type { z } from 'zod'

/**
 * Parses `value` with `schema`, or throws an error (ConfigError for plugin options, ValidationError
 * for what is passed to `ai.connections`) naming every wrong field, as `connections[1].weight`.
 * Only zod's messages are kept, never the values, so a wrong credential is not repeated.
 */
export function validateInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  kind: 'config' | 'validation' = 'validation',
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }))
  const message = `Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
  if (kind === 'config') throw new ConfigError(message)
  const error = new ValidationError(message)
  error.issues = issues
  throw error
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || '(root)'
}
