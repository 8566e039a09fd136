import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'
import { signIn } from './sign-in-over-http.js'

describe('the dashboard without a browser', () => {
  let fx: GatewayFixture
  beforeAll(async () => {
    fx = await startGatewayFixture()
  })
  afterAll(() => fx.close())

  it('sets a session cookie that is HttpOnly, SameSite=Strict, scoped to /dashboard and not the token', async () => {
    const { setCookie, csrf } = await signIn(fx)
    expect(setCookie).toMatch(/^aimux_dashboard=[\w-]{40,};/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/dashboard')
    expect(setCookie).not.toContain(ADMIN_TOKEN)
    expect(csrf.length).toBeGreaterThan(40)
  })

  it('refuses data and pages without a session, and a made-up cookie', async () => {
    const page = await fetch(`${fx.server.url}/dashboard/budgets`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Fbudgets')
    const data = await fetch(`${fx.server.url}/dashboard/live/events`, {
      headers: { cookie: 'aimux_dashboard=guess' },
    })
    expect(data.status).toBe(401)
    const admin = await fetch(`${fx.server.url}/dashboard/keys`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    expect(admin.status).toBe(401)
  })

  it('refuses a change from another origin, or without the CSRF token, and accepts it with both', async () => {
    const { cookie, csrf } = await signIn(fx)
    const post = (headers: Record<string, string>, body: Record<string, string>) =>
      fetch(`${fx.server.url}/dashboard/keys`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      })
    expect((await post({ origin: 'http://evil.example' }, { _csrf: csrf, name: 'x' })).status).toBe(403)
    expect((await post({ origin: fx.server.url }, { name: 'x' })).status).toBe(403)
    expect((await post({ origin: fx.server.url }, { _csrf: `${csrf}x`, name: 'x' })).status).toBe(403)
    expect(await fx.ai.store.virtualKeys.list()).toEqual([])
    const issued = await post({ origin: fx.server.url }, { _csrf: csrf, name: 'good', userId: 'u1' })
    expect(issued.status).toBe(201)
    expect(issued.headers.get('cache-control')).toBe('no-store')
    const [key] = await fx.ai.store.virtualKeys.list()
    expect(key).toMatchObject({ name: 'good', scope: { userId: 'u1' } })
    const body = await issued.text()
    expect(body).toMatch(/sk-aimux-[\w-]{43}/)
  })

  it('has no Webhooks or Audit page, link or route without their plugins, and guards those routes', async () => {
    for (const path of ['/webhooks', '/audit', '/audit/export']) {
      const page = await fetch(`${fx.server.url}/dashboard${path}`, { redirect: 'manual' })
      expect({ path, status: page.status }).toEqual({ path, status: 401 })
    }
    const { cookie, csrf } = await signIn(fx)
    const overview = await (await fetch(`${fx.server.url}/dashboard`, { headers: { cookie } })).text()
    expect(overview).toContain('>Conversations</a>')
    expect(overview).not.toContain('/dashboard/webhooks')
    expect(overview).not.toContain('/dashboard/audit')
    for (const path of ['/webhooks', '/audit', '/audit/export?range=30d']) {
      const page = await fetch(`${fx.server.url}/dashboard${path}`, { headers: { cookie } })
      expect({ path, status: page.status }).toEqual({ path, status: 404 })
    }
    const retry = await fetch(`${fx.server.url}/dashboard/webhooks/d1/retry`, {
      method: 'POST',
      headers: { cookie, origin: fx.server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    })
    expect(retry.status).toBe(404)
  })

  it('refuses a login from another origin, and a next page off the dashboard', async () => {
    const login = (origin: string, next: string) =>
      fetch(`${fx.server.url}/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: ADMIN_TOKEN, next }),
      })
    expect((await login('http://evil.example', '/dashboard')).status).toBe(403)
    const away = await login(fx.server.url, '//evil.example/dashboard')
    expect(away.headers.get('location')).toBe('/dashboard')
  })

  it('names a wrong key field, and serves the charting library from the package', async () => {
    const { cookie, csrf } = await signIn(fx)
    const refused = await fetch(`${fx.server.url}/dashboard/keys`, {
      method: 'POST',
      headers: { cookie, origin: fx.server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, expiresInDays: '-1' }),
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('expiresInDays')
    const uplot = await fetch(`${fx.server.url}/dashboard/assets/uPlot.iife.min.js`)
    expect(uplot.headers.get('content-type')).toContain('javascript')
    expect(await uplot.text()).toContain('uPlot')
  })
})
