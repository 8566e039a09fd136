import type { AI, AuditQuery, AuditRecord, Page } from '@aimux/ai-core'

/**
 * What the dashboard uses of `ai.audit`, which the audit plugin (@aimux/audit) adds to an
 * instance. Described by its shape, so that the gateway does not depend on the plugin: an
 * instance without it has no Audit page.
 */
export interface DashboardAudit {
  query(query?: AuditQuery): Promise<Page<AuditRecord>>
  export(query?: Omit<AuditQuery, 'limit' | 'cursor'>): AsyncIterable<string>
}

/** The instance's audit API, or undefined without the audit plugin. */
export function auditOf(ai: AI): DashboardAudit | undefined {
  const api = (ai as unknown as { audit?: unknown }).audit
  return typeof api === 'object' &&
    api !== null &&
    typeof (api as DashboardAudit).query === 'function' &&
    typeof (api as DashboardAudit).export === 'function'
    ? (api as DashboardAudit)
    : undefined
}
