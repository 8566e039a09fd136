import { type AI, AimuxError, type VirtualKey } from '@aimux/ai-core'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, setCookie } from 'hono/cookie'
import { issueVirtualKey } from '../keys/issue-key.js'
import { issueKeyInputSchema } from '../keys/issue-key-input.js'
import type { KeyCache } from '../keys/key-cache.js'
import { assetRoutes } from './assets.js'
import { auditOf } from './audit-api.js'
import { AUDIT_PAGE_SIZE, auditFilter, auditPage, auditQuery } from './audit-page.js'
import { budgetRows, budgetsPage } from './budgets-page.js'
import { connectionsOf } from './connections-api.js'
import { connectionsPage, connectionsView } from './connections-page.js'
import { conversationPage, conversationsPage } from './conversations-page.js'
import { type Html, html } from './html.js'
import { issueKeyFromForm, keysPage } from './keys-page.js'
import { layout, loginPage, type PagePath, type PagePlugin } from './layout.js'
import { liveEvents } from './live-events.js'
import { livePage } from './live-page.js'
import { type ModelsView, modelsPage, modelsView } from './models-page.js'
import { errorText, type Notice } from './notice.js'
import { overviewData, overviewPage } from './overview-page.js'
import { type DashboardEnv, requireSession, SESSION_COOKIE, sameOrigin } from './session-guard.js'
import { createSessionStore } from './session-store.js'
import { parseRange, timeRange } from './time-range.js'
import { webhooksOf } from './webhooks-api.js'
import { DELIVERIES_SHOWN, deliveriesFilter, webhooksPage } from './webhooks-page.js'

export interface DashboardOptions {
  ai: AI
  /** The admin token check; without one the dashboard only says that it is off. */
  isAdmin: ((token: string | undefined) => boolean) | undefined
  /** The gateway's key cache, so that a key revoked here is refused by this instance at once. */
  keys: KeyCache
  /** Where the dashboard is mounted, for its links and its cookie's path. Default '/dashboard'. */
  base?: string
  /** How long an unused session stays signed in. Default 8 hours. */
  sessionIdleMs?: number
  /** How long one live event stream stays open before the browser reconnects. Default 5 minutes. */
  liveStreamMs?: number
  /** The clock; tests pass a fixed one. */
  now?: () => Date
}

const ACTOR = 'dashboard'

// Pages and data come only from this server: no inline script, no framing, no other origin.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

const field = (form: Record<string, unknown>, name: string) => {
  const value = form[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * The web dashboard: overview of spend and latency, budgets, connections, virtual keys, models
 * and prices, conversations and live requests, and (with their plugins) webhook deliveries and
 * the audit trail, all server-rendered from the instance's store through the core's queries. Signing in takes the admin token; the session is an HttpOnly,
 * SameSite=Strict cookie holding a random id, and every change is a POST that must carry the
 * session's CSRF token from a page of the same origin.
 */
export function dashboardRoutes(options: DashboardOptions): Hono<DashboardEnv> {
  const { ai, isAdmin, keys } = options
  const base = (options.base ?? '/dashboard').replace(/\/$/, '')
  const now = options.now ?? (() => new Date())
  const sessions = createSessionStore({ idleMs: options.sessionIdleMs ?? 8 * 3_600_000 })
  let lastSync: ModelsView['lastSync']
  ai.on('models:synced', (e) => {
    lastSync = { at: now(), models: e.models, failed: e.failed.map((f) => f.provider) }
  })

  const app = new Hono<DashboardEnv>()
  app.use(async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value)
    if (!c.req.path.startsWith(`${base}/assets/`)) c.res.headers.set('cache-control', 'no-store')
  })
  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('The form is too large.', 413) }))
  app.route('/assets', assetRoutes())

  // Only a path of this dashboard is a place to go back to after signing in.
  const safeNext = (next: string | undefined) =>
    next && (next === base || next.startsWith(`${base}/`)) && !next.includes('//') && !next.includes('\\')
      ? next
      : base

  app.get('/login', (c) => {
    if (!isAdmin) return c.html(loginPage({ base, disabled: true }), 503)
    const next = c.req.query('next')
    return c.html(loginPage({ base, ...(next ? { next: safeNext(next) } : {}) }))
  })
  app.post('/login', async (c) => {
    if (!isAdmin) return c.html(loginPage({ base, disabled: true }), 503)
    if (!sameOrigin(c)) return c.text('Refused: this request did not come from the dashboard.', 403)
    const form = await c.req.parseBody()
    const next = safeNext(field(form, 'next'))
    if (!isAdmin(field(form, 'token'))) {
      return c.html(loginPage({ base, next, error: 'That is not the admin token.' }), 401)
    }
    const session = sessions.create()
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: base,
      secure: new URL(c.req.url).protocol === 'https:',
    })
    return c.redirect(next, 303)
  })

  const guard = requireSession(sessions, base)
  app.use(async (c, next) => {
    if (!isAdmin) return c.html(loginPage({ base, disabled: true }), 503)
    return guard(c, next)
  })

  const render = (
    c: Context<DashboardEnv>,
    title: string,
    active: PagePath | undefined,
    body: Html,
    status = 200,
  ) => {
    const plugins = new Set<PagePlugin>()
    if (webhooksOf(ai)) plugins.add('webhooks')
    if (auditOf(ai)) plugins.add('audit')
    const csrfToken = c.get('session').csrfToken
    return c.html(layout({ base, title, active, csrfToken, body, plugins }), status as 200)
  }

  app.post('/logout', (c) => {
    sessions.delete(c.get('session').id)
    deleteCookie(c, SESSION_COOKIE, { path: base })
    return c.redirect(`${base}/login`, 303)
  })

  app.get('/', async (c) => {
    const range = timeRange(parseRange(c.req.query('range')), now())
    return render(c, 'Overview', '', overviewPage(base, await overviewData(ai, range)))
  })

  app.get('/budgets', async (c) => render(c, 'Budgets', '/budgets', budgetsPage(await budgetRows(ai, now()))))

  const connections = async (c: Context<DashboardEnv>, notice?: Notice, status = 200) => {
    const view = {
      connections: await connectionsView(connectionsOf(ai)),
      providers: ai.providers.list(),
      csrfToken: c.get('session').csrfToken,
      now: now(),
      ...(notice ? { notice } : {}),
    }
    return render(c, 'Connections', '/connections', connectionsPage(base, view), status)
  }
  app.get('/connections', (c) => connections(c))
  app.post('/connections', async (c) => {
    const api = connectionsOf(ai)
    if (!api) return connections(c, { kind: 'error', text: 'This instance has no rotation plugin.' }, 400)
    const form = await c.req.parseBody()
    const baseURL = field(form, 'baseURL')?.trim()
    const name = field(form, 'name')?.trim()
    try {
      const added = await api.add(
        {
          provider: field(form, 'provider') ?? '',
          ...(name ? { name } : {}),
          priority: Number(field(form, 'priority') || 0),
          credentials: { apiKey: field(form, 'apiKey') ?? '', ...(baseURL ? { baseURL } : {}) },
        },
        { actor: ACTOR },
      )
      return connections(c, { kind: 'done', text: `Connection ${added.id} added.` })
    } catch (error) {
      return connections(c, { kind: 'error', text: errorText(error) }, 400)
    }
  })
  app.post('/connections/:id/:action{enable|disable|retire}', async (c) => {
    const api = connectionsOf(ai)
    if (!api) return connections(c, { kind: 'error', text: 'This instance has no rotation plugin.' }, 400)
    const id = c.req.param('id')
    const action = c.req.param('action') as 'enable' | 'disable' | 'retire'
    try {
      if (action === 'disable') await api.disable(id, 'disabled in the dashboard', { actor: ACTOR })
      else await api[action](id, { actor: ACTOR })
      const done = { enable: 'enabled', disable: 'disabled', retire: 'retiring' }[action]
      return connections(c, { kind: 'done', text: `Connection ${id} is ${done}.` })
    } catch (error) {
      return connections(c, { kind: 'error', text: errorText(error) }, 400)
    }
  })

  const keysView = async (
    c: Context<DashboardEnv>,
    extra: { notice?: Notice; issued?: { key: VirtualKey; secret: string } } = {},
    status = 200,
  ) => {
    const list = await ai.store.virtualKeys.list({ includeRevoked: true })
    list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    const view = { keys: list, csrfToken: c.get('session').csrfToken, now: now(), ...extra }
    return render(c, 'Virtual keys', '/keys', keysPage(base, view), status)
  }
  app.get('/keys', (c) => keysView(c))
  app.post('/keys', async (c) => {
    // The same schema and issuing code as POST /admin/keys.
    const parsed = issueKeyInputSchema.safeParse(issueKeyFromForm(await c.req.parseBody()))
    if (!parsed.success) {
      const text = parsed.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`).join('; ')
      return keysView(c, { notice: { kind: 'error', text: `The key was not issued: ${text}` } }, 400)
    }
    try {
      const issued = await issueVirtualKey(ai.store.virtualKeys, parsed.data, now())
      return keysView(c, { issued }, 201)
    } catch (error) {
      return keysView(
        c,
        { notice: { kind: 'error', text: `The key was not issued: ${errorText(error)}` } },
        400,
      )
    }
  })
  app.post('/keys/:id/revoke', async (c) => {
    const id = c.req.param('id')
    const key = await ai.store.virtualKeys.get(id)
    if (!key || !(await ai.store.virtualKeys.revoke(id, now()))) {
      return keysView(c, { notice: { kind: 'error', text: `No key '${id}' to revoke.` } }, 404)
    }
    keys.delete(key.hash)
    return keysView(c, { notice: { kind: 'done', text: `Key ${key.name ?? id} revoked.` } })
  })

  const models = async (c: Context<DashboardEnv>, notice?: Notice, status = 200) => {
    const view: ModelsView = {
      ...(await modelsView(ai, now())),
      csrfToken: c.get('session').csrfToken,
      ...(lastSync ? { lastSync } : {}),
      ...(notice ? { notice } : {}),
    }
    return render(c, 'Models and prices', '/models', modelsPage(base, view), status)
  }
  app.get('/models', (c) => models(c))
  app.post('/models/sync', async (c) => {
    try {
      const result = await ai.models.sync()
      lastSync = { at: now(), models: result.models.length, failed: result.failed.map((f) => f.provider) }
      const failed = result.failed.map((f) => `${f.provider}: ${f.error.message}`).join('; ')
      return models(c, {
        kind: failed ? 'error' : 'done',
        text: `Synced ${result.models.length} models.${failed ? ` Failed: ${failed}` : ''}`,
      })
    } catch (error) {
      return models(c, { kind: 'error', text: errorText(error) }, 500)
    }
  })

  app.get('/conversations', async (c) => {
    const filter = {
      ...(c.req.query('userId') ? { userId: c.req.query('userId') } : {}),
      ...(c.req.query('tenantId') ? { tenantId: c.req.query('tenantId') } : {}),
      ...(c.req.query('cursor') ? { cursor: c.req.query('cursor') } : {}),
    }
    const page = await ai.store.conversations.listConversations({ ...filter, limit: 50, order: 'newest' })
    return render(c, 'Conversations', '/conversations', conversationsPage(base, filter, page))
  })
  app.get('/conversations/:id', async (c) => {
    const id = c.req.param('id')
    const conversation = await ai.store.conversations.getConversation(id)
    if (!conversation) {
      const body = html`<p>There is no conversation '${id}'.</p>`
      return render(c, 'No such conversation', '/conversations', body, 404)
    }
    const messages = await ai.store.conversations.listMessages(id)
    return render(
      c,
      conversation.title ?? `Conversation ${id}`,
      '/conversations',
      conversationPage(conversation, messages),
    )
  })

  app.get('/live', (c) => render(c, 'Live', '/live', livePage(base)))
  app.get('/live/events', (c) =>
    liveEvents(c, ai, { maxMs: options.liveStreamMs ?? 300_000, heartbeatMs: 15_000 }),
  )

  const webhooksView = async (c: Context<DashboardEnv>, notice?: Notice, status = 200) => {
    const api = webhooksOf(ai)
    if (!api) return c.text('Not found.', 404)
    const filter = deliveriesFilter((name) => c.req.query(name))
    const deliveries = await api.deliveries({ ...filter, limit: DELIVERIES_SHOWN })
    const view = { filter, deliveries, csrfToken: c.get('session').csrfToken, ...(notice ? { notice } : {}) }
    return render(c, 'Webhooks', '/webhooks', webhooksPage(base, view), status)
  }
  app.get('/webhooks', (c) => webhooksView(c))
  app.post('/webhooks/:id/retry', async (c) => {
    const api = webhooksOf(ai)
    if (!api) return c.text('Not found.', 404)
    const id = c.req.param('id')
    try {
      if (await api.retry(id))
        return webhooksView(c, { kind: 'done', text: `Delivery ${id} is pending again.` })
      return webhooksView(
        c,
        { kind: 'error', text: `Delivery ${id} is not dead, so there is nothing to retry.` },
        400,
      )
    } catch (error) {
      return webhooksView(c, { kind: 'error', text: errorText(error) }, 400)
    }
  })

  const auditRequest = (c: Context<DashboardEnv>) => {
    const range = timeRange(parseRange(c.req.query('range')), now())
    const filter = auditFilter(range.name, (name) => c.req.query(name))
    return { range, filter, query: auditQuery(filter, range) }
  }
  app.get('/audit', async (c) => {
    const api = auditOf(ai)
    if (!api) return c.text('Not found.', 404)
    const { range, filter, query } = auditRequest(c)
    const cursor = c.req.query('cursor') || undefined
    const page = await api.query({ ...query, limit: AUDIT_PAGE_SIZE, ...(cursor ? { cursor } : {}) })
    return render(c, 'Audit', '/audit', auditPage(base, filter, range, page, cursor))
  })
  app.get('/audit/export', async (c) => {
    const api = auditOf(ai)
    if (!api) return c.text('Not found.', 404)
    const lines = api.export(auditRequest(c).query)[Symbol.asyncIterator]()
    // The first line is read before answering, so that a failing query is an error page, not a cut stream.
    let next: IteratorResult<string> | undefined = await lines.next()
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const line = next ?? (await lines.next())
        next = undefined
        if (line.done) controller.close()
        else controller.enqueue(encoder.encode(line.value))
      },
      async cancel() {
        await lines.return?.()
      },
    })
    return c.body(body, 200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': 'attachment; filename="aimux-audit.jsonl"',
    })
  })

  app.notFound((c) => c.text('Not found.', 404))
  app.onError((error, c) =>
    // A typed aimux error says what is wrong without secrets; anything else stays on the server.
    c.text(AimuxError.is(error) ? `The dashboard failed: ${error.message}` : 'The dashboard failed.', 500),
  )
  return app
}
