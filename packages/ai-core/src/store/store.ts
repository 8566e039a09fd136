import type { AuditStore } from './audit-store.js'
import type { BatchStore } from './batch-store.js'
import type { CatalogStore } from './catalog-store.js'
import type { ConnectionStore } from './connection-store.js'
import type { ConversationStore } from './conversation-store.js'
import type { JobStore } from './job-store.js'
import type { SpendStore } from './spend-store.js'
import type { UsageStore } from './usage-store.js'
import type { VirtualKeyStore } from './virtual-key-store.js'
import type { WebhookOutboxStore } from './webhook-outbox-store.js'

/**
 * The storage ports. ai-core ships in-memory versions (the default); @aimux/store-sqlite and
 * @aimux/store-postgres implement the same ports and pass the same storeConformance() suite.
 * All amounts are integer nano-USD; all times are Dates with millisecond precision, set by the
 * caller or by the store from the JavaScript clock (never a database clock of finer precision).
 */
export interface Store {
  name: string
  conversations: ConversationStore
  usage: UsageStore
  catalog: CatalogStore
  spend: SpendStore
  connections: ConnectionStore
  /** The virtual keys a server such as @aimux/gateway hands out, stored by the hash of their secret. */
  virtualKeys: VirtualKeyStore
  /** The provider batch jobs `ai.batch` submitted, and whether their results were settled. */
  batches: BatchStore
  /** The append-only audit trail @aimux/audit writes: who sent what to which model, and when. */
  audit: AuditStore
  /** The outbox of webhook deliveries @aimux/webhooks writes and delivers. */
  webhooks: WebhookOutboxStore
  /** Which instance runs each slot of a scheduled job (@aimux/schedule), so each runs once. */
  jobs: JobStore
  close?(): Promise<void>
}
