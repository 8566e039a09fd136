import { expect, it } from 'vitest'
import { createMemoryStore } from '../memory/memory-store.js'
import { createStorePorts } from './sql-store-ports.js'

it('makes each port on the one handle and labels a database failure as a StoreError', async () => {
  const memory = createMemoryStore()
  const handle = { open: true }
  const handles: unknown[] = []
  const on =
    <T>(port: T) =>
    (db: unknown) => {
      handles.push(db)
      return port
    }
  const failing = { ...memory.catalog, listModels: () => Promise.reject(new Error('disk I/O error')) }
  const ports = createStorePorts(handle, 'test store', {
    conversations: on(memory.conversations),
    usage: on(memory.usage),
    catalog: on(failing),
    spend: on(memory.spend),
    connections: on(memory.connections),
    virtualKeys: on(memory.virtualKeys),
    batches: on(memory.batches),
    webhooks: on(memory.webhooks),
    audit: on(memory.audit),
    jobs: on(memory.jobs),
  })
  // One handle per port the store has.
  expect(handles).toEqual(Object.keys(ports).map(() => handle))
  await expect(ports.catalog.listModels()).rejects.toMatchObject({
    code: 'store',
    message: 'test store: listModels failed: disk I/O error',
  })
  await expect(ports.conversations.getConversation('missing')).resolves.toBeUndefined()
})
