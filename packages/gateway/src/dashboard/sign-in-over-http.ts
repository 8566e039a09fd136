// Test support: a dashboard session made over plain HTTP, as a browser would make it.
import { expect } from 'vitest'
import { ADMIN_TOKEN, type GatewayFixture } from '../test-support/gateway-fixture.js'

/** Signs in with plain HTTP as a browser would, and returns the session cookie and a CSRF token. */
export async function signIn(fx: GatewayFixture) {
  const login = await fetch(`${fx.server.url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: fx.server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: ADMIN_TOKEN }),
  })
  expect(login.status).toBe(303)
  const setCookie = login.headers.get('set-cookie') ?? ''
  const cookie = setCookie.split(';')[0] ?? ''
  const page = await (await fetch(`${fx.server.url}/dashboard/keys`, { headers: { cookie } })).text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
  return { setCookie, cookie, csrf }
}
