import { rotation } from '@aimux/ai-rotation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayFixture, startGatewayFixture, UPSTREAM_KEY } from '../test-support/gateway-fixture.js'
import { signIn } from './sign-in-over-http.js'

describe('the Connections page with the rotation plugin', () => {
  let fx: GatewayFixture
  beforeAll(async () => {
    fx = await startGatewayFixture({
      ai: { plugins: [rotation({ masterKey: Buffer.alloc(32, 7).toString('base64') })] },
    })
  })
  afterAll(() => fx.close())

  it('adds a connection, disables it (as the store then says), enables it, and never shows its key', async () => {
    const { cookie, csrf } = await signIn(fx)
    const post = (path: string, body: Record<string, string>) =>
      fetch(`${fx.server.url}/dashboard${path}`, {
        method: 'POST',
        headers: { cookie, origin: fx.server.url, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...body }),
      })
    const added = await post('/connections', {
      provider: 'openai',
      name: 'main',
      apiKey: UPSTREAM_KEY,
      baseURL: `${fx.upstream.url}/v1`,
      priority: '1',
    })
    expect(added.status).toBe(200)
    const [record] = await fx.ai.store.connections.listConnections()
    expect(record).toMatchObject({ provider: 'openai', name: 'main', status: 'active', priority: 1 })
    expect(await added.text()).not.toContain(UPSTREAM_KEY)

    const id = record?.id ?? ''
    const disabled = await post(`/connections/${id}/disable`, {})
    expect(disabled.status).toBe(200)
    expect(await fx.ai.store.connections.getConnection(id)).toMatchObject({
      status: 'disabled',
      disabledReason: 'disabled in the dashboard',
    })
    expect(await disabled.text()).toMatch(
      new RegExp(`data-connection="${id}"[\\s\\S]*?data-field="status">disabled`),
    )

    await post(`/connections/${id}/enable`, {})
    expect((await fx.ai.store.connections.getConnection(id))?.status).toBe('active')
    const audit = await fx.ai.store.connections.listAudit({ connectionId: id })
    expect(audit.map((e) => [e.action, e.actor])).toEqual(
      expect.arrayContaining([
        ['add', 'dashboard'],
        ['disable', 'dashboard'],
        ['enable', 'dashboard'],
      ]),
    )
  })

  it('says why a change failed, naming the field', async () => {
    const { cookie, csrf } = await signIn(fx)
    const refused = await fetch(`${fx.server.url}/dashboard/connections`, {
      method: 'POST',
      headers: { cookie, origin: fx.server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, provider: 'openai', apiKey: 'k', baseURL: 'not a url' }),
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('baseURL')
  })
})
