import { webhooks } from '@aimux/webhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from '../../../webhooks/test/webhook-receiver.js'
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'
import { signIn } from './sign-in-over-http.js'

const SECRET = 'whsec_dashboard-0123456789abcdef'
const MARKER = 'upstream-said-7731'
const hi = [{ role: 'user' as const, content: 'hi' }]

describe('the Webhooks page with the webhooks plugin', () => {
  let fx: GatewayFixture
  let ops: WebhookReceiver
  let costs: WebhookReceiver
  let opsFailing = true
  let session: { cookie: string; csrf: string }

  beforeAll(async () => {
    ops = await startWebhookReceiver(SECRET, () => ({ status: opsFailing ? 500 : 200 }))
    costs = await startWebhookReceiver(SECRET)
    fx = await startGatewayFixture({
      ai: {
        plugins: [
          webhooks({
            endpoints: [
              { id: 'ops', url: ops.url, secret: SECRET, events: ['error'] },
              { id: 'costs', url: costs.url, secret: SECRET, events: ['cost'] },
            ],
            // One failed attempt and the delivery is dead; the loop polls rarely, drain() sends.
            maxAttempts: 1,
            pollMs: 3_600_000,
          }),
        ],
      },
    })
    fx.upstream.enqueue({ error: { status: 400, message: `bad request, ${MARKER}` } })
    await fx.ai.chat({ model: 'openai:gpt-4o-mini', messages: hi }).catch(() => undefined)
    fx.upstream.enqueue({ text: 'Hello', usage: { inputTokens: 10, outputTokens: 2 } })
    await fx.ai.chat({ model: 'openai:gpt-4o-mini', messages: hi })
    await fx.ai.webhooks.drain()
    session = await signIn(fx)
  })
  afterAll(async () => {
    await fx.close()
    await ops.close()
    await costs.close()
  })

  const get = async (path: string) => {
    const response = await fetch(`${fx.server.url}/dashboard${path}`, { headers: { cookie: session.cookie } })
    return { status: response.status, html: await response.text() }
  }
  const rowOf = (html: string, id: string) =>
    new RegExp(`<tr data-delivery="${id}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? ''

  it('lists every delivery newest first, with its endpoint, event, attempts and last answer, never its body or secret', async () => {
    const deliveries = await fx.ai.webhooks.deliveries()
    expect(deliveries.map((d) => [d.endpointId, d.event, d.status])).toEqual(
      expect.arrayContaining([
        ['ops', 'error', 'dead'],
        ['costs', 'cost', 'delivered'],
      ]),
    )
    const { status, html } = await get('/webhooks')
    expect(status).toBe(200)
    expect(html).toContain('<a href="/dashboard/webhooks" aria-current="page">Webhooks</a>')
    const shown = [...html.matchAll(/<tr data-delivery="([^"]+)">/g)].map((m) => m[1])
    expect(shown).toEqual(deliveries.map((d) => d.id))
    const dead = deliveries.find((d) => d.status === 'dead')!
    expect(rowOf(html, dead.id)).toMatch(/<td>ops<\/td>\s*<td>error<\/td>[\s\S]*?>dead<[\s\S]*?>1<\/td>/)
    expect(rowOf(html, dead.id)).toContain('HTTP 500')
    expect(rowOf(html, dead.id)).toContain(`aria-label="Retry ${dead.id}"`)
    const delivered = deliveries.find((d) => d.status === 'delivered')!
    expect(rowOf(html, delivered.id)).toContain('delivered 20')
    expect(rowOf(html, delivered.id)).not.toContain('Retry')
    // The body carries the event's data (here the upstream message); the page shows neither it nor the secret.
    expect(dead.body).toContain(MARKER)
    expect(html).not.toContain(MARKER)
    expect(html).not.toContain(SECRET)
    for (const d of deliveries) expect(html).not.toContain(d.body)
  })

  it('filters by status, endpoint and event', async () => {
    const ids = (html: string) => [...html.matchAll(/<tr data-delivery="([^"]+)">/g)].map((m) => m[1])
    const dead = (await fx.ai.webhooks.deliveries({ status: 'dead' })).map((d) => d.id)
    expect(dead).toHaveLength(1)
    expect(ids((await get('/webhooks?status=dead')).html)).toEqual(dead)
    const toCosts = (await fx.ai.webhooks.deliveries({ endpoint: 'costs' })).map((d) => d.id)
    expect(toCosts.length).toBeGreaterThan(0)
    expect(ids((await get('/webhooks?endpoint=costs')).html)).toEqual(toCosts)
    expect(ids((await get('/webhooks?event=error')).html)).toEqual(dead)
    expect(ids((await get('/webhooks?event=nothing-like-it')).html)).toEqual([])
    expect((await get('/webhooks?status=nonsense')).html).toContain('data-delivery')
  })

  it('retries a dead delivery from the page: pending (or sent) again, then delivered to the same receiver', async () => {
    const [dead] = await fx.ai.webhooks.deliveries({ status: 'dead' })
    const post = (id: string, csrf = session.csrf) =>
      fetch(`${fx.server.url}/dashboard/webhooks/${encodeURIComponent(id)}/retry`, {
        method: 'POST',
        headers: {
          cookie: session.cookie,
          origin: fx.server.url,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ _csrf: csrf }),
      })
    expect((await post(dead!.id, `${session.csrf}x`)).status).toBe(403)
    expect((await fx.ai.webhooks.deliveries({ status: 'dead' })).map((d) => d.id)).toEqual([dead!.id])

    // The receiver answers now; the retry wakes the delivery loop, which may send it at once.
    opsFailing = false
    const retried = await post(dead!.id)
    expect(retried.status).toBe(200)
    expect(await retried.text()).toContain(`Delivery ${dead!.id} is pending again.`)
    expect(await fx.ai.webhooks.deliveries({ status: 'dead' })).toEqual([])
    await fx.ai.webhooks.drain()
    const [after] = (await fx.ai.webhooks.deliveries({ endpoint: 'ops' })).filter((d) => d.id === dead!.id)
    expect(after).toMatchObject({ status: 'delivered', lastStatus: 200 })
    expect(ops.received.at(-1)).toMatchObject({ id: dead!.id, verified: true })

    const again = await post(dead!.id)
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('is not dead')
  })

  it('sends a visitor without a session to sign in, and refuses a retry without one', async () => {
    const page = await fetch(`${fx.server.url}/dashboard/webhooks`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Fwebhooks')
    const [any] = await fx.ai.webhooks.deliveries()
    const retry = await fetch(`${fx.server.url}/dashboard/webhooks/${any!.id}/retry`, {
      method: 'POST',
      headers: { origin: fx.server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf }),
    })
    expect(retry.status).toBe(401)
  })
})
