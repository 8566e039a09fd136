import type { Store } from '@aimux/ai-core'
import { afterEach, beforeEach, describe } from 'vitest'
import { auditSuite } from './store-conformance/audit.js'
import { batchesSuite } from './store-conformance/batches.js'
import { catalogSuite } from './store-conformance/catalog.js'
import { connectionsSuite } from './store-conformance/connections.js'
import { conversationsSuite } from './store-conformance/conversations.js'
import { freshStoreSuite } from './store-conformance/fresh-store.js'
import { jobsSuite } from './store-conformance/jobs.js'
import { messagesSuite } from './store-conformance/messages.js'
import { preferencesSuite } from './store-conformance/preferences.js'
import { retentionSuite } from './store-conformance/retention.js'
import { spendSuite } from './store-conformance/spend.js'
import { usageSuite } from './store-conformance/usage.js'
import { virtualKeysSuite } from './store-conformance/virtual-keys.js'
import { webhooksSuite } from './store-conformance/webhooks.js'

export interface StoreConformanceOptions {
  /** Names the suite: "store conformance: <name>". */
  name: string
  /** Makes the store each test uses; its close(), when it has one, runs after the test. */
  create: () => Store | Promise<Store>
  /**
   * `create` returns an empty store every time (an in-memory store, a new database file), so
   * listings without a filter can be checked too. Without it every test scopes its reads to ids
   * of its own, and a database shared between tests and runs works.
   */
  fresh?: boolean
}

/**
 * The behaviour every Store must have, as a vitest suite. Call it at the top level of a test
 * file: `storeConformance({ name: 'memory', create: () => createMemoryStore(), fresh: true })`.
 *
 * Each port has its suite in store-conformance/; every test gets a store of its own, made
 * before it and closed after it, which the suites read through `currentStore()`.
 */
export function storeConformance(options: StoreConformanceOptions): void {
  const { name, create: createStore } = options
  describe(`store conformance: ${name}`, () => {
    let store: Store | undefined

    beforeEach(async () => {
      store = await createStore()
    })

    afterEach(async () => {
      await store?.close?.()
      store = undefined
    })

    const currentStore = (): Store => {
      if (!store) throw new Error('The store is made before each test; read it inside a test or hook.')
      return store
    }

    conversationsSuite(currentStore)
    messagesSuite(currentStore)
    preferencesSuite(currentStore)
    usageSuite(currentStore)
    catalogSuite(currentStore)
    spendSuite(currentStore)
    connectionsSuite(currentStore)
    virtualKeysSuite(currentStore)
    batchesSuite(currentStore)
    auditSuite(currentStore)
    webhooksSuite(currentStore)
    jobsSuite(currentStore)
    retentionSuite(currentStore, options.fresh === true)
    if (options.fresh) freshStoreSuite(currentStore)
  })
}
