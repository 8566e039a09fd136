import { z } from 'zod'
import type { UsageQuery } from './usage-store.js'

const id = z.string().min(1).optional()

/**
 * `ai.usage.query()`'s query, checked in the core before any store sees it, so that a wrong field
 * is the same ValidationError on every store.
 */
export const usageQuerySchema = z
  .strictObject({
    /** Inclusive; a valid Date (zod refuses an Invalid Date). */
    from: z.date(),
    /** Exclusive. */
    to: z.date(),
    groupBy: z.enum(['day', 'provider', 'model', 'user', 'tenant']).optional(),
    tenantId: id,
    userId: id,
    projectId: id,
    provider: id,
    model: id,
  })
  .refine((q) => q.from.getTime() <= q.to.getTime(), { path: ['to'], message: "must not be before 'from'" })

// The schema and the port's type describe the same query.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const inStep: Same<z.output<typeof usageQuerySchema>, UsageQuery> = true
void inStep
