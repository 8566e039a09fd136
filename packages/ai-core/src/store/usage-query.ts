import { z } from 'zod'
import type { UsageQuery } from './usage-store.js'

const id = z.string().min(1).optional()
const dimension = z.enum(['hour', 'day', 'provider', 'model', 'user', 'tenant', 'project'])

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
    groupBy: z
      .union([
        dimension,
        z
          .array(dimension)
          .min(1)
          .max(2)
          .refine((dims) => new Set(dims).size === dims.length, 'must not repeat a dimension'),
      ])
      .optional(),
    orderBy: z.enum(['key', 'cost', 'requests']).optional(),
    limit: z.number().int().positive().optional(),
    percentiles: z.union([z.boolean(), z.literal('approximate')]).optional(),
    tenantId: id,
    userId: id,
    projectId: id,
    provider: id,
    model: id,
    operation: z.enum(['chat', 'embed']).optional(),
  })
  .refine((q) => q.from.getTime() <= q.to.getTime(), { path: ['to'], message: "must not be before 'from'" })

// The schema and the port's type describe the same query.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const inStep: Same<z.output<typeof usageQuerySchema>, UsageQuery> = true
void inStep
