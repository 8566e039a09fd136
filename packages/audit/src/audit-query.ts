import type { AuditQuery } from '@aimux/ai-core'
import { validate } from '@aimux/ai-core/provider-kit'
import { z } from 'zod'

const id = z.string().min(1).optional()

const querySchema = z.strictObject({
  from: z.date().optional(),
  to: z.date().optional(),
  tenantId: id,
  userId: id,
  projectId: id,
  provider: id,
  model: id,
  keyId: id,
  outcome: z.enum(['success', 'error']).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  cursor: id,
})

/** The query as the store takes it; a ValidationError naming each wrong field. */
export function parseAuditQuery(query: unknown): AuditQuery {
  return validate(querySchema, query ?? {}, 'audit query') as AuditQuery
}
