import { createAI, createMemoryStore, definePlugin } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { createGateway } from '../gateway.js'
import { startGatewayFixture } from '../test-support/gateway-fixture.js'

describe('health', () => {
  it('/healthz and /readyz answer 200 when the store answers and a provider is registered', async () => {
    const fx = await startGatewayFixture()
    try {
      const live = await fetch(`${fx.server.url}/healthz`)
      expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }])
      const ready = await fetch(`${fx.server.url}/readyz`)
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok' }])
    } finally {
      await fx.close()
    }
  })

  it('/readyz answers 503 with why when no provider is registered or the store fails', async () => {
    const store = createMemoryStore()
    const failing = {
      ...store,
      virtualKeys: { ...store.virtualKeys, get: () => Promise.reject(new Error('connection refused')) },
    }
    const ai = await createAI({
      plugins: [definePlugin({ name: 'broken-store', setup: (host) => host.registerStore(failing) })],
    })
    try {
      const { app } = createGateway({ ai })
      const ready = await app.request('/readyz')
      expect(ready.status).toBe(503)
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        problems: ['no provider is registered', 'the store failed to answer'],
      })
      expect((await app.request('/healthz')).status).toBe(200)
    } finally {
      await ai.close()
    }
  })
})
