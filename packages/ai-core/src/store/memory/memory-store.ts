import type { Store } from '../store.js'
import { createMemoryAuditStore } from './memory-audit-store.js'
import { createMemoryBatchStore } from './memory-batch-store.js'
import { createMemoryCatalogStore } from './memory-catalog-store.js'
import { createMemoryConnectionStore } from './memory-connection-store.js'
import { createMemoryConversationStore } from './memory-conversation-store.js'
import { createMemoryJobStore } from './memory-job-store.js'
import { createMemorySpendStore } from './memory-spend-store.js'
import { createMemoryUsageStore } from './memory-usage-store.js'
import { createMemoryVirtualKeyStore } from './memory-virtual-key-store.js'
import { createMemoryWebhookOutboxStore } from './memory-webhook-outbox-store.js'

export interface MemoryStoreOptions {
  /** Usage records kept, the latest first; older ones are dropped. Default 10,000. */
  maxUsageRecords?: number
}

/**
 * Every storage port in memory: the default store, lost when the process exits. Reads return
 * copies, so a caller can never change stored state through a returned object. It keeps the
 * latest `maxUsageRecords` usage records; a store plugin keeps them all.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  return {
    name: 'memory',
    conversations: createMemoryConversationStore(),
    usage: createMemoryUsageStore({ maxRecords: options.maxUsageRecords }),
    catalog: createMemoryCatalogStore(),
    spend: createMemorySpendStore(),
    connections: createMemoryConnectionStore(),
    virtualKeys: createMemoryVirtualKeyStore(),
    batches: createMemoryBatchStore(),
    audit: createMemoryAuditStore(),
    jobs: createMemoryJobStore(),
    webhooks: createMemoryWebhookOutboxStore(),
  }
}
