import { createMemoryCatalogStore } from './memory-catalog-store.js'
import { createMemoryConnectionStore } from './memory-connection-store.js'
import { createMemoryConversationStore } from './memory-conversation-store.js'
import { createMemorySpendStore } from './memory-spend-store.js'
import { createMemoryUsageStore } from './memory-usage-store.js'
import type { Store } from './store.js'

/**
 * Every storage port in memory: the default store, lost when the process exits. Reads return
 * copies, so a caller can never change stored state through a returned object.
 */
export function createMemoryStore(): Store {
  return {
    name: 'memory',
    conversations: createMemoryConversationStore(),
    usage: createMemoryUsageStore(),
    catalog: createMemoryCatalogStore(),
    spend: createMemorySpendStore(),
    connections: createMemoryConnectionStore(),
  }
}
