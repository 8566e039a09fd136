import { z } from 'zod'

/** Who a call is made for. Budgets, rate limits, usage records and conversations use it. */
export const scopeSchema = z.object({
  tenantId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  projectId: z.string().min(1).optional(),
})
export type Scope = z.infer<typeof scopeSchema>
