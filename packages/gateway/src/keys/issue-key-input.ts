import { z } from 'zod'

const positiveInt = z.number().int().positive()

/** What `POST /admin/keys` takes (and `issueVirtualKey()`): every field optional. */
export const issueKeyInputSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    /** The scope every call made with the key runs in: its budgets, rate limits and usage records. */
    scope: z
      .strictObject({
        tenantId: z.string().min(1).optional(),
        userId: z.string().min(1).optional(),
        projectId: z.string().min(1).optional(),
      })
      .optional(),
    /** 'provider:model', 'provider:*', '@group' or an alias; absent: every model. */
    models: z.array(z.string().min(1)).min(1).optional(),
    limits: z
      .strictObject({
        budgets: z
          .array(
            z.strictObject({
              limitUsd: z.number().positive(),
              period: z.enum(['day', 'week', 'month', 'total']),
              thresholds: z.array(z.number().gt(0).max(1)).optional(),
            }),
          )
          .optional(),
        requestsPerMinute: positiveInt.optional(),
        tokensPerMinute: positiveInt.optional(),
      })
      .optional(),
    /** When the key stops working: an ISO 8601 date-time with its offset. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** Or: how many days from now. */
    expiresInDays: z.number().positive().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((input) => input.expiresAt === undefined || input.expiresInDays === undefined, {
    message: 'give expiresAt or expiresInDays, not both',
    path: ['expiresInDays'],
  })

export type IssueKeyInput = z.input<typeof issueKeyInputSchema>
