import { ConfigError } from '@aimux/ai-core'
import { z } from 'zod'

/**
 * What happens to a match: 'mask' replaces it with its label (`[EMAIL]`), 'placeholder' with a
 * token (`<<EMAIL_1>>`) that is put back in the answer, 'refuse' fails the call before it is sent.
 */
export type RedactAction = 'mask' | 'placeholder' | 'refuse'

const action = z.enum(['mask', 'placeholder', 'refuse'])
const BUILT_IN = ['email', 'phone', 'card', 'iban', 'apiKey'] as const

const regex = z.union([
  z.instanceof(RegExp),
  z.string().refine((s) => {
    try {
      new RegExp(s)
      return true
    } catch {
      return false
    }
  }, 'must be a valid regular expression'),
])

const promptLimit = z
  .object({
    chars: z.number().int().positive().optional(),
    tokens: z.number().int().positive().optional(),
  })
  .strict()
  .refine((l) => l.chars !== undefined || l.tokens !== undefined, 'give chars, tokens or both')

const optionsSchema = z
  .object({
    redact: z
      .object({
        email: action.optional(),
        phone: action.optional(),
        card: action.optional(),
        iban: action.optional(),
        apiKey: action.optional(),
        custom: z
          .array(
            z
              .object({
                name: z
                  .string()
                  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must start with a letter: letters, digits, _ or -')
                  .refine(
                    (n) => !(BUILT_IN as readonly string[]).includes(n),
                    'is the name of a built-in detector',
                  ),
                pattern: regex,
                action,
              })
              .strict(),
          )
          .optional(),
      })
      .strict()
      .optional(),
    block: z
      .object({
        words: z.array(z.string().trim().min(1)).optional(),
        maxPrompt: promptLimit.optional(),
        maxPromptByTenant: z.record(z.string().min(1), promptLimit).optional(),
        maxPromptByUser: z.record(z.string().min(1), promptLimit).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()

/** A limit on a prompt's size: characters, estimated tokens (about four characters each), or both. */
export type PromptLimit = z.infer<typeof promptLimit>

export interface CustomPattern {
  /** Names it in events and errors; its label (upper case) names the mask and placeholder. */
  name: string
  /** Matched as a global regular expression (a string is compiled with the `g` flag only). */
  pattern: RegExp | string
  action: RedactAction
}

export interface GuardrailsOptions {
  /** Which sensitive data to look for, and what to do with it. A detector left out is off. */
  redact?: {
    email?: RedactAction
    phone?: RedactAction
    card?: RedactAction
    iban?: RedactAction
    apiKey?: RedactAction
    custom?: CustomPattern[]
  }
  /** Requests refused before anything is sent. */
  block?: {
    /** Words or phrases, matched case-insensitively as whole words. */
    words?: string[]
    /** The largest prompt any request may send. */
    maxPrompt?: PromptLimit
    /** The largest prompt per tenant id (`scope.tenantId`); applies as well as `maxPrompt`. */
    maxPromptByTenant?: Record<string, PromptLimit>
    /** The largest prompt per user id (`scope.userId`); applies as well as the others. */
    maxPromptByUser?: Record<string, PromptLimit>
  }
}

/** The options, checked: a wrong one is a ConfigError naming its field. */
export function parseGuardrailsOptions(options: unknown): GuardrailsOptions {
  const parsed = optionsSchema.safeParse(options ?? {})
  if (parsed.success) return parsed.data as GuardrailsOptions
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new ConfigError(`Invalid guardrails options: ${issues.join('; ')}`)
}
