import { validateOptions } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'

export interface AuditOptions {
  /**
   * What a record keeps of the prompt and the answer: 'hash' (the default) only their SHA-256;
   * 'full' the content too (`record.content`), which is the users' own text: store it only where
   * you may keep it.
   */
  content?: 'hash' | 'full'
  /** Records read from the store a page at a time by `ai.audit.export()`; default 500. */
  exportPageSize?: number
}

const optionsSchema = z.strictObject({
  content: z.enum(['hash', 'full']).default('hash'),
  exportPageSize: z.number().int().min(1).max(10_000).default(500),
})

export type AuditSettings = z.output<typeof optionsSchema>

/** The options with their defaults; a ConfigError naming each wrong field. */
export function parseAuditOptions(options: unknown): AuditSettings {
  return validateOptions(optionsSchema, options ?? {}, 'audit')
}
