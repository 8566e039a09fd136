import type { AuditApi } from './audit-api.js'

/** A request the audit plugin follows has ended; its record is written right after. */
export interface AuditRequestEndedEvent {
  requestId: string
}

declare module '@aimux/ai-core' {
  interface AimuxEvents {
    'audit:request-ended': AuditRequestEndedEvent
  }
  interface AI {
    /** Added by the audit plugin: read the audit trail, or export it as JSON lines. */
    audit: AuditApi
  }
}
