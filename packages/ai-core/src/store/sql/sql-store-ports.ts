import { withStoreErrors } from '../kit/with-store-errors.js'
import type { Store } from '../store.js'

/** The storage ports of a Store. */
export type StorePorts = Omit<Store, 'name' | 'close'>

/**
 * Each port made by its factory on one database handle, wrapped by withStoreErrors so a failure
 * of the database rejects with a StoreError whose message starts with `label` ("sqlite store").
 */
export function createStorePorts<Db>(
  db: Db,
  label: string,
  factories: { [Port in keyof StorePorts]: (db: Db) => StorePorts[Port] },
): StorePorts {
  return {
    conversations: withStoreErrors(factories.conversations(db), label),
    usage: withStoreErrors(factories.usage(db), label),
    catalog: withStoreErrors(factories.catalog(db), label),
    spend: withStoreErrors(factories.spend(db), label),
    connections: withStoreErrors(factories.connections(db), label),
    virtualKeys: withStoreErrors(factories.virtualKeys(db), label),
    batches: withStoreErrors(factories.batches(db), label),
    audit: withStoreErrors(factories.audit(db), label),
    jobs: withStoreErrors(factories.jobs(db), label),
    webhooks: withStoreErrors(factories.webhooks(db), label),
  }
}
