import type { AuditRecord } from '@aimux/ai-core'
import { audit } from '@aimux/audit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture.js'
import { AUDIT_PAGE_SIZE } from './audit-page.js'
import { signIn } from './sign-in-over-http.js'

const hi = [{ role: 'user' as const, content: 'The vault code is 9931-LAKE' }]

/** Records spread over the last days: two users, two tenants, a few errors, one 10 days old. */
function records(now: number): AuditRecord[] {
  return Array.from({ length: 70 }, (_, i) => ({
    id: `aud_seed_${String(i).padStart(3, '0')}`,
    createdAt: new Date(now - (i === 69 ? 10 * 86_400_000 : (i + 1) * 60_000)),
    requestId: `req_seed_${i}`,
    userId: i % 2 === 0 ? 'u-even' : 'u-odd',
    tenantId: i % 3 === 0 ? 't-three' : 't-other',
    operation: 'chat' as const,
    stream: false,
    provider: 'openai',
    model: i % 5 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
    promptSha256: 'a'.repeat(64),
    costNanoUsd: 1_000 * i,
    inputTokens: 10,
    outputTokens: 5,
    outcome: i % 7 === 0 ? ('error' as const) : ('success' as const),
    ...(i % 7 === 0 ? { errorCode: 'rate_limit', error: 'slow down' } : {}),
  }))
}

describe('the Audit page with the audit plugin', () => {
  let fx: GatewayFixture
  let session: { cookie: string; csrf: string }

  beforeAll(async () => {
    fx = await startGatewayFixture({ ai: { plugins: [audit()] } })
    // One real call through the instance, written by the plugin; the rest appended to its store.
    fx.upstream.enqueue({ text: 'Noted', usage: { inputTokens: 20, outputTokens: 3 } })
    await fx.ai.chat({
      model: 'openai:gpt-4o-mini',
      messages: hi,
      scope: { userId: 'u-real', tenantId: 't-real' },
    })
    await fx.ai.store.audit.append(records(Date.now()))
    session = await signIn(fx)
  })
  afterAll(() => fx.close())

  const get = async (path: string) => {
    const response = await fetch(`${fx.server.url}/dashboard${path}`, { headers: { cookie: session.cookie } })
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    }
  }
  const ids = (html: string) => [...html.matchAll(/<tr data-audit="([^"]+)">/g)].map((m) => m[1])
  const older = (html: string) =>
    /<a href="([^"]+)" rel="next">Older records<\/a>/.exec(html)?.[1]?.replaceAll('&amp;', '&')
  const week = () => ({ from: new Date(Date.now() - 7 * 86_400_000), to: new Date() })

  it('pages through the range newest first, with the cursor, as ai.audit.query does', async () => {
    const expected = (await fx.ai.audit.query({ ...week(), limit: 1_000 })).items.map((r) => r.id)
    expect(expected).toHaveLength(70) // 69 seeded within the week, and the real call
    const first = await get('/audit')
    expect(first.status).toBe(200)
    expect(first.text).toContain('<a href="/dashboard/audit" aria-current="page">Audit</a>')
    expect(ids(first.text)).toEqual(expected.slice(0, AUDIT_PAGE_SIZE))
    const next = older(first.text)
    expect(next).toMatch(/^\/dashboard\/audit\?range=7d&cursor=/)
    const second = await get(next!.replace('/dashboard', ''))
    expect(ids(second.text)).toEqual(expected.slice(AUDIT_PAGE_SIZE))
    expect(older(second.text)).toBeUndefined()
    // The record ten days old is only in the 30-day range.
    expect(ids((await get('/audit?range=30d&userId=u-odd')).text)).toContain('aud_seed_069')
    expect(ids((await get('/audit?range=7d&userId=u-odd')).text)).not.toContain('aud_seed_069')
  })

  it('filters by user, tenant, model and outcome, and shows a record without its prompt', async () => {
    const q = async (query: Record<string, string>) =>
      (await fx.ai.audit.query({ ...week(), ...query, limit: 1_000 })).items.map((r) => r.id)
    expect(ids((await get('/audit?userId=u-odd')).text)).toEqual(await q({ userId: 'u-odd' }))
    expect(ids((await get('/audit?tenantId=t-three&outcome=error')).text)).toEqual(
      await q({ tenantId: 't-three', outcome: 'error' }),
    )
    expect(ids((await get('/audit?model=gpt-4o')).text)).toEqual(await q({ model: 'gpt-4o' }))
    expect((await q({ model: 'gpt-4o' })).length).toBeGreaterThan(5)

    const real = await get('/audit?userId=u-real')
    const [record] = (await fx.ai.audit.query({ userId: 'u-real' })).items
    expect(ids(real.text)).toEqual([record!.id])
    expect(real.text).toContain('<code>openai:gpt-4o-mini</code>')
    expect(real.text).toContain(record!.promptSha256.slice(0, 12))
    expect(real.text).not.toContain('9931-LAKE')
    const errors = await get('/audit?outcome=error&userId=u-even')
    expect(errors.text).toContain('rate_limit: slow down')
  })

  it('downloads the range and filters as JSON lines equal to what ai.audit.query answers', async () => {
    const page = await get('/audit?userId=u-even&range=30d')
    const link = /<a href="([^"]+)" download="aimux-audit.jsonl"/
      .exec(page.text)?.[1]
      ?.replaceAll('&amp;', '&')
    expect(link).toBe('/dashboard/audit/export?range=30d&userId=u-even')
    const download = await get(link!.replace('/dashboard', ''))
    expect(download.status).toBe(200)
    expect(download.type).toBe('application/x-ndjson; charset=utf-8')
    const lines = download.text.split('\n')
    expect(lines.pop()).toBe('')
    const { items } = await fx.ai.audit.query({
      from: new Date(Date.now() - 30 * 86_400_000),
      userId: 'u-even',
      limit: 1_000,
    })
    expect(items).toHaveLength(35)
    expect(lines).toEqual(items.map((r) => JSON.stringify(r)))

    const all = await get('/audit/export')
    const { items: week7 } = await fx.ai.audit.query({ ...week(), limit: 1_000 })
    expect(all.text).toBe(week7.map((r) => `${JSON.stringify(r)}\n`).join(''))
  })

  it('refuses the page and the download without a session', async () => {
    const page = await fetch(`${fx.server.url}/dashboard/audit`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Faudit')
    for (const cookie of [undefined, 'aimux_dashboard=guess']) {
      const download = await fetch(`${fx.server.url}/dashboard/audit/export`, {
        redirect: 'manual',
        headers: cookie ? { cookie } : {},
      })
      expect(download.status).toBe(401)
      expect(await download.text()).not.toContain('aud_seed')
    }
  })
})
