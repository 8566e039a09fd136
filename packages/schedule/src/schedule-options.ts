import { ConfigError } from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'
import type { ScheduleClock } from './schedule-clock.js'

/** What retention does with a conversation past its age: delete it with its messages, or archive it. */
export type RetentionAction = 'delete' | 'archive'

export interface ConversationRetentionPolicy {
  /** Conversations whose last activity (updatedAt) is older than this many days. */
  olderThanDays: number
  /** Default 'archive'. */
  action?: RetentionAction
}

export interface ScheduleOptions {
  /** `models.sync()` every `everyMs` (default every hour, on the hour); false turns it off. */
  modelSync?: { everyMs?: number } | false
  /** Deletes or archives old conversations and compacts old usage records; off when absent. */
  retention?: {
    /** How often retention runs; default every day (at 00:00 UTC). */
    everyMs?: number
    /**
     * The policy for every conversation (optional), and per tenant: a tenant listed here follows
     * its own policy only.
     */
    conversations?: Partial<ConversationRetentionPolicy> & {
      tenants?: Record<string, ConversationRetentionPolicy>
    }
    /** Usage records older than this many days are deleted; their per-day sums stay. */
    usage?: { keepRecordsDays: number }
  }
  /**
   * How long a claimed run holds its slot before another instance may take it over, when it
   * never finished (its instance died); default 15 minutes, at most the job's interval.
   */
  leaseMs?: number
  /** This instance's name in the job runs; default a random id. */
  instanceId?: string
  /** The clock and timers (a manual clock in tests); default the system clock. */
  clock?: ScheduleClock
}

const everyMs = z
  .number()
  .int('must be a whole number of milliseconds')
  .min(1_000, 'must be at least 1000 (one second)')
const days = z.number().positive('must be more than 0 days')
const action = z.enum(['delete', 'archive'])
const policy = z.strictObject({ olderThanDays: days, action: action.default('archive') })

const optionsSchema = z.strictObject({
  modelSync: z
    .union([z.literal(false), z.strictObject({ everyMs: everyMs.default(3_600_000) })])
    .default({ everyMs: 3_600_000 }),
  retention: z
    .strictObject({
      everyMs: everyMs.default(86_400_000),
      conversations: z
        .strictObject({
          olderThanDays: days.optional(),
          action: action.default('archive'),
          tenants: z.record(z.string().min(1, 'must not be empty'), policy).default({}),
        })
        .optional(),
      usage: z.strictObject({ keepRecordsDays: days }).optional(),
    })
    .optional(),
  leaseMs: everyMs.default(900_000),
  instanceId: z.string().min(1, 'must not be empty').optional(),
  clock: z
    .custom<ScheduleClock>(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        ['now', 'setTimeout', 'clearTimeout'].every(
          (f) => typeof (c as Record<string, unknown>)[f] === 'function',
        ),
      'must have now(), setTimeout() and clearTimeout()',
    )
    .optional(),
})

export type ResolvedScheduleOptions = z.output<typeof optionsSchema>

/** The options with their defaults; a wrong field is a ConfigError naming it. */
export function resolveScheduleOptions(options: ScheduleOptions): ResolvedScheduleOptions {
  return validate(optionsSchema, options, 'schedule() options', ConfigError)
}
