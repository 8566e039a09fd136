import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueVirtualKey } from '../keys/issue-key.js'
import { hashSecret } from '../keys/key-secret.js'
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'

let fx: GatewayFixture

// No key cache: a revocation through the admin API of another instance is seen at the next call.
beforeAll(async () => {
  fx = await startGatewayFixture({ gateway: { keyCacheMs: 0 } })
})
afterAll(() => fx.close())

const hi = [{ role: 'user' as const, content: 'Hi' }]

describe('the admin API', () => {
  it('issues a key: 201 with the record and the secret, which the store keeps only as a hash', async () => {
    const response = await fx.admin('/admin/keys', {
      body: {
        name: 'team alpha',
        scope: { tenantId: 't1', projectId: 'p1' },
        models: ['openai:gpt-4o-mini', '@fast'],
        limits: { budgets: [{ limitUsd: 25, period: 'month', thresholds: [0.8] }], requestsPerMinute: 60 },
        expiresInDays: 30,
        metadata: { owner: 'ops' },
      },
    })
    expect(response.status).toBe(201)
    const issued = (await response.json()) as Record<string, unknown> & { id: string; secret: string }
    expect(issued.secret).toMatch(/^sk-aimux-[A-Za-z0-9_-]{43}$/)
    expect(issued).toMatchObject({
      id: expect.stringMatching(/^vk_[0-9a-f]{24}$/),
      prefix: issued.secret.slice(0, 13),
      name: 'team alpha',
      scope: { tenantId: 't1', projectId: 'p1' },
      models: ['openai:gpt-4o-mini', '@fast'],
      limits: { budgets: [{ limitUsd: 25, period: 'month', thresholds: [0.8] }], requestsPerMinute: 60 },
      metadata: { owner: 'ops' },
    })
    expect(issued).not.toHaveProperty('hash')
    const days =
      (Date.parse(issued.expiresAt as string) - Date.parse(issued.createdAt as string)) / 86_400_000
    expect(days).toBe(30)

    const stored = await fx.ai.store.virtualKeys.get(issued.id)
    expect(stored?.hash).toBe(hashSecret(issued.secret))
    expect(JSON.stringify(stored)).not.toContain(issued.secret)
  })

  it('lists keys and shows one, never with a secret or a hash', async () => {
    const { id, secret } = await fx.issueKey({ name: 'listed' })
    const list = (await (await fx.admin('/admin/keys')).json()) as { object: string; data: { id: string }[] }
    expect(list.object).toBe('list')
    expect(list.data.map((key) => key.id)).toContain(id)
    const one = await fx.admin(`/admin/keys/${id}`)
    expect(one.status).toBe(200)
    const shown = JSON.stringify([list, await one.json()])
    expect(shown).not.toContain(secret)
    expect(shown).not.toContain(hashSecret(secret))
    expect(shown).not.toContain('"hash"')
    expect((await fx.admin('/admin/keys/vk_missing')).status).toBe(404)
  })

  it('revokes a key: 204, then every call with it is a 401, and it is listed only when asked', async () => {
    const { id, secret } = await fx.issueKey({ name: 'to revoke' })
    fx.upstream.enqueue({ text: 'before' })
    await fx.client(secret).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })

    expect((await fx.admin(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(204)
    const refused = await fx
      .client(secret)
      .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      message: expect.stringContaining('revoked'),
    })

    expect((await fx.admin(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await fx.admin('/admin/keys/vk_missing', { method: 'DELETE' })).status).toBe(404)
    const active = (await (await fx.admin('/admin/keys')).json()) as { data: { id: string }[] }
    expect(active.data.map((key) => key.id)).not.toContain(id)
    const all = (await (await fx.admin('/admin/keys?includeRevoked=true')).json()) as {
      data: { id: string; revokedAt?: string }[]
    }
    expect(all.data.find((key) => key.id === id)?.revokedAt).toEqual(expect.any(String))
  })

  it('refuses an expired key', async () => {
    const past = new Date(Date.now() - 2 * 86_400_000)
    const { secret } = await issueVirtualKey(fx.ai.store.virtualKeys, { expiresInDays: 1 }, past)
    const refused = await fx
      .client(secret)
      .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      message: expect.stringContaining('expired'),
    })
  })

  it('400 naming the field for a wrong key request', async () => {
    const wrong = async (body: unknown) => {
      const response = await fx.admin('/admin/keys', { body })
      expect(response.status).toBe(400)
      return ((await response.json()) as { error: { param: string; message: string } }).error
    }
    expect((await wrong({ limits: { requestsPerMinute: -1 } })).param).toBe('limits.requestsPerMinute')
    expect((await wrong({ scope: { team: 'x' } })).param).toBe('scope.team')
    expect((await wrong({ expiresAt: '2000-01-01T00:00:00Z' })).message).toBe(
      'Invalid key: expiresAt: must be in the future',
    )
    expect((await wrong({ expiresAt: '2099-01-01T00:00:00Z', expiresInDays: 3 })).param).toBe('expiresInDays')
    const invalid = await fetch(`${fx.server.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{',
    })
    expect(invalid.status).toBe(400)
  })

  it('refuses a wrong or missing admin token, and a virtual key', async () => {
    const { secret } = await fx.issueKey({})
    for (const authorization of [`Bearer ${ADMIN_TOKEN}x`, `Bearer ${secret}`, undefined]) {
      const response = await fetch(`${fx.server.url}/admin/keys`, {
        headers: authorization ? { authorization } : {},
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({
        error: { code: 'invalid_api_key', type: 'invalid_request_error' },
      })
    }
  })
})

describe('a gateway without an admin token', () => {
  it('answers 503 on the admin API', async () => {
    const previous = process.env.AIMUX_ADMIN_TOKEN
    delete process.env.AIMUX_ADMIN_TOKEN
    const { createGateway } = await import('../gateway.js')
    const gateway = createGateway({ ai: fx.ai })
    if (previous !== undefined) process.env.AIMUX_ADMIN_TOKEN = previous
    const response = await gateway.app.request('/admin/keys', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringMatching(/^admin API disabled/) },
    })
    // Nor is the token a key on /v1.
    const v1 = await gateway.app.request('/v1/models', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(v1.status).toBe(401)
  })

  it('takes the admin token from AIMUX_ADMIN_TOKEN', async () => {
    const previous = process.env.AIMUX_ADMIN_TOKEN
    process.env.AIMUX_ADMIN_TOKEN = 'env-admin-token-0123456789'
    const { createGateway } = await import('../gateway.js')
    const gateway = createGateway({ ai: fx.ai })
    if (previous === undefined) delete process.env.AIMUX_ADMIN_TOKEN
    else process.env.AIMUX_ADMIN_TOKEN = previous
    const response = await gateway.app.request('/admin/keys', {
      headers: { authorization: 'Bearer env-admin-token-0123456789' },
    })
    expect(response.status).toBe(200)
  })
})
