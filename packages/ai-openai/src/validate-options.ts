import { ConfigError } from '@aimux/ai-core'
import type { z } from 'zod'

/** Checks a plugin's options, throwing a ConfigError that names each wrong field and why. */
export function validateOptions<T>(schema: z.ZodType<T>, options: unknown, plugin: string): T {
  const parsed = schema.safeParse(options)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`,
  )
  throw new ConfigError(`${plugin} options are invalid: ${issues.join('; ')}`)
}
