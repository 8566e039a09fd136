import { timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { DashboardSession, SessionStore } from './session-store.js'

/** The session cookie's name; HttpOnly, SameSite=Strict, Path=/dashboard. */
export const SESSION_COOKIE = 'aimux_dashboard'

export interface DashboardEnv {
  Variables: { session: DashboardSession }
}

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Whether a state-changing request comes from a page of this very server: the Origin header a
 * browser sends with every POST must name the host the request was sent to. A request without
 * Origin (a script, an old browser) passes this check and is stopped by the CSRF token.
 */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined) return c.req.header('sec-fetch-site') !== 'cross-site'
  if (origin === 'null') return false
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host)
  } catch {
    return false
  }
}

/**
 * Lets through only requests with a live session. A page asked for without one redirects to the
 * login form; data (JSON, the live event stream) is a 401. A POST also needs the session's CSRF
 * token (form field `_csrf` or header `x-csrf-token`) and a same-origin Origin: a 403 otherwise.
 */
export function requireSession(sessions: SessionStore, base: string): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const session = sessions.get(getCookie(c, SESSION_COOKIE))
    if (!session) {
      const wantsPage = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html')
      if (wantsPage) {
        const back = c.req.path === base ? '' : `?next=${encodeURIComponent(c.req.path)}`
        return c.redirect(`${base}/login${back}`, 303)
      }
      return c.text('Sign in to the dashboard first.', 401)
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (!sameOrigin(c)) return c.text('Refused: this request did not come from the dashboard.', 403)
      let sent = c.req.header('x-csrf-token')
      if (sent === undefined) {
        const type = c.req.header('content-type') ?? ''
        if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
          const field = (await c.req.parseBody())._csrf
          sent = typeof field === 'string' ? field : undefined
        }
      }
      if (sent === undefined || !sameToken(sent, session.csrfToken))
        return c.text(
          'Refused: the form is missing its CSRF token or it is out of date. Reload the page.',
          403,
        )
    }
    c.set('session', session)
    return next()
  }
}
