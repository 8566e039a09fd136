import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatUsd } from '@aimux/ai-core'
import { rotation } from '@aimux/ai-rotation'
import { audit } from '@aimux/audit'
import { webhooks } from '@aimux/webhooks'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from '../../../webhooks/test/webhook-receiver.js'
import {
  ADMIN_TOKEN,
  type GatewayFixture,
  startGatewayFixture,
  UPSTREAM_KEY,
} from '../test-support/gateway-fixture.js'

// The dashboard in a real browser: Debian's chromium (scripts/ensure-chromium.sh installs it),
// driven by playwright-core, which never downloads a browser of its own.
const CHROMIUM = process.env.AIMUX_CHROMIUM || '/usr/bin/chromium'
const WAIT = 60_000
/**
 * Where the pictures of each page go: a scratch folder, or docs/ when
 * AIMUX_DASHBOARD_SCREENSHOTS names it (how docs/dashboard-*.png are made).
 */
const SCREENSHOTS = process.env.AIMUX_DASHBOARD_SCREENSHOTS
const WEBHOOK_SECRET = 'whsec_browser-0123456789abcdef'

const hi = [{ role: 'user' as const, content: 'Capital of France?' }]
const reply = { text: 'Paris', usage: { inputTokens: 1000, outputTokens: 200 } }

describe('the dashboard in chromium', () => {
  let fx: GatewayFixture
  let profile: string
  let browser: BrowserContext
  let page: Page
  let dashboard: string
  let aliceKey: string
  let shots: string
  let receiver: WebhookReceiver
  let receiverFailing = true

  beforeAll(async () => {
    // The webhook receiver fails until the dashboard retries its dead delivery.
    receiver = await startWebhookReceiver(WEBHOOK_SECRET, () => ({ status: receiverFailing ? 503 : 200 }))
    fx = await startGatewayFixture({
      ai: {
        budgets: [
          { scope: 'user', limitUsd: 0.0012, period: 'month', hard: false, thresholds: [0.5, 0.9, 1] },
        ],
        // With no connection yet, calls use the provider's own key; the Connections page adds one.
        plugins: [
          rotation({ masterKey: Buffer.alloc(32, 7).toString('base64') }),
          webhooks({
            endpoints: [
              { id: 'ops', url: receiver.url, secret: WEBHOOK_SECRET, events: ['error', 'budget:threshold'] },
            ],
            maxAttempts: 1,
          }),
          audit(),
        ],
      },
    })
    shots = SCREENSHOTS ?? (await mkdtemp(join(tmpdir(), 'aimux-dashboard-shots-')))
    dashboard = `${fx.server.url}/dashboard`
    ;({ secret: aliceKey } = await fx.issueKey({
      name: 'alice',
      scope: { userId: 'u-alice', tenantId: 't-acme' },
    }))
    // Real chats through the gateway: three answered, one failed upstream.
    for (let i = 0; i < 3; i++) {
      fx.upstream.enqueue(reply)
      await fx.client(aliceKey).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
    }
    fx.upstream.enqueue({ error: { status: 400, message: 'Bad request upstream' } })
    await fx
      .client(aliceKey)
      .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
      .catch(() => undefined)
    // And a persisted conversation, so that one has messages with their cost.
    fx.upstream.enqueue(reply)
    const chat = await fx.ai.conversation({
      userId: 'u-alice',
      title: 'Trip to Paris',
      model: 'openai:gpt-4o-mini',
    })
    await chat.send('Capital of France?')
    await fx.ai.flush()
    await fx.ai.webhooks.drain()

    profile = await mkdtemp(join(tmpdir(), 'aimux-dashboard-chromium-'))
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    })
    browser.setDefaultTimeout(WAIT)
    browser.setDefaultNavigationTimeout(WAIT)
    page = browser.pages()[0] ?? (await browser.newPage())
    page.on('dialog', (dialog) => void dialog.accept())
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await fx?.close()
    await receiver?.close()
    if (profile) await rm(profile, { recursive: true, force: true })
    if (shots && !SCREENSHOTS) await rm(shots, { recursive: true, force: true })
  }, 60_000)

  it('sends a page asked for without a session to the login form, and refuses data with a 401', async () => {
    await page.goto(`${dashboard}/keys`)
    expect(new URL(page.url()).pathname).toBe('/dashboard/login')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard/keys')
    await expect(page.content()).resolves.not.toContain('alice')
    const live = await page.evaluate(async () => (await fetch('/dashboard/live/events')).status)
    expect(live).toBe(401)
  })

  it('refuses a wrong token, then signs in with the admin token into an HttpOnly, SameSite=Strict session', async () => {
    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not the admin token')
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${dashboard}/keys`)
    const [cookie] = await browser.cookies(dashboard)
    expect(cookie).toMatchObject({
      name: 'aimux_dashboard',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/dashboard',
    })
    expect(cookie?.value).not.toContain(ADMIN_TOKEN)
  })

  it('shows the overview with the numbers of the chats made, as charts and tables, and changes the range', async () => {
    await page.goto(dashboard)
    const [total] = await fx.ai.usage.query({ from: new Date(Date.now() - 7 * 86_400_000), to: new Date() })
    expect(total).toMatchObject({ requests: 5, errors: 1 })
    await expect(page.locator('#total-requests').textContent()).resolves.toBe('5')
    await expect(page.locator('#total-errors').textContent()).resolves.toContain('1')
    await expect(page.locator('#total-cost').textContent()).resolves.toBe(formatUsd(total?.costNanoUsd ?? -1))
    expect(total?.costNanoUsd).toBe(4 * 270_000)
    // uPlot drew the three charts; the tables hold the same numbers.
    await page.locator('figure[data-chart] canvas').nth(2).waitFor()
    await expect(page.locator('figure[data-chart] canvas').count()).resolves.toBe(3)
    const users = page.getByRole('table', { name: 'Top users' })
    await expect(users.getByRole('row', { name: /u-alice/ }).textContent()).resolves.toContain(
      formatUsd(4 * 270_000),
    )
    await expect(page.getByRole('table', { name: 'Top tenants' }).textContent()).resolves.toContain('t-acme')

    await page.getByRole('link', { name: 'Last 24 hours' }).click()
    await page.waitForURL(`${dashboard}?range=24h`)
    await expect(
      page.getByRole('link', { name: 'Last 24 hours' }).getAttribute('aria-current'),
    ).resolves.toBe('true')
    await expect(page.locator('#series-table').textContent()).resolves.toContain('Hour (UTC)')
    await expect(page.locator('#total-requests').textContent()).resolves.toBe('5')
  })

  it('issues a key whose secret is shown once and works on /v1, then revokes it and /v1 refuses it', async () => {
    await page.getByRole('link', { name: 'Keys' }).click()
    await page.getByLabel('Name').fill('from the browser')
    await page.getByLabel('User').fill('u-bob')
    await page.getByRole('button', { name: 'Issue key' }).click()
    const secret = (await page.locator('#secret').textContent())?.trim() ?? ''
    expect(secret).toMatch(/^sk-aimux-/)

    fx.upstream.enqueue(reply)
    const answer = await fx
      .client(secret)
      .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
    expect(answer.choices[0]?.message.content).toBe('Paris')

    await page.goto(`${dashboard}/keys`)
    await expect(page.content()).resolves.not.toContain(secret)
    await page.getByRole('button', { name: 'Revoke from the browser' }).click()
    await expect(page.getByRole('status').textContent()).resolves.toContain('revoked')
    const row = page.locator('tr', { hasText: 'from the browser' })
    await expect(row.locator('[data-field="status"]').textContent()).resolves.toBe('revoked')
    const refused = await fx
      .client(secret)
      .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ status: 401 })
  })

  it('refuses a POST without the CSRF token, even from a signed-in page', async () => {
    const before = (await fx.ai.store.virtualKeys.list({ includeRevoked: true })).length
    const status = await page.evaluate(async () => {
      const response = await fetch('/dashboard/keys', {
        method: 'POST',
        body: new URLSearchParams({ name: 'forged' }),
      })
      return response.status
    })
    expect(status).toBe(403)
    expect((await fx.ai.store.virtualKeys.list({ includeRevoked: true })).length).toBe(before)
  })

  it('marks the budget close to its limit, and reads a conversation with the cost of each message', async () => {
    await page.getByRole('link', { name: 'Budgets' }).click()
    const alice = page.locator('#budgets-table tr', { hasText: 'u-alice' })
    await expect(alice.textContent()).resolves.toContain('Close to the limit')
    await expect(page.getByRole('heading', { name: 'Close to a limit' })).toBeDefined()

    await page.getByRole('link', { name: 'Conversations' }).click()
    await page.getByLabel('User').fill('u-alice')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.getByRole('link', { name: 'Trip to Paris' }).click()
    const messages = page.locator('#messages-table tbody tr')
    await expect(messages.count()).resolves.toBe(2)
    await expect(messages.nth(1).textContent()).resolves.toContain(formatUsd(270_000))
    await expect(page.locator('#conversation-cost').textContent()).resolves.toBe(formatUsd(270_000))
  })

  it('shows requests live as they happen, with status, latency and cost', async () => {
    await page.getByRole('link', { name: 'Live' }).click()
    await page.getByText('Connected').waitFor()
    fx.upstream.enqueue(reply)
    await fx.client(ADMIN_TOKEN).chat.completions.create({ model: 'openai:gpt-4o-mini', messages: hi })
    const row = page.locator('#live-table tbody tr').first()
    await row.locator('[data-field="cost"]', { hasText: formatUsd(270_000) }).waitFor()
    await expect(row.locator('[data-field="status"]').textContent()).resolves.toContain('ok')
    await expect(row.locator('[data-field="latency"]').textContent()).resolves.toMatch(/\d+ ms/)
  })

  it('adds a connection and disables it from the browser, and the store then says it is disabled', async () => {
    await page.getByRole('link', { name: 'Connections' }).click()
    await page.getByLabel('Provider').selectOption('openai')
    await page.getByLabel('Name').fill('main')
    await page.getByLabel('API key').fill(UPSTREAM_KEY)
    await page.getByLabel('Base URL').fill(`${fx.upstream.url}/v1`)
    await page.getByRole('button', { name: 'Add connection' }).click()
    await page.waitForURL(`${dashboard}/connections`)
    const [added] = await fx.ai.store.connections.listConnections()
    expect(added).toMatchObject({ provider: 'openai', name: 'main', status: 'active' })
    await expect(page.content()).resolves.not.toContain(UPSTREAM_KEY)

    await page.getByRole('button', { name: `Disable ${added!.id}` }).click()
    await page
      .locator(`[data-connection="${added!.id}"] [data-field="status"]`, { hasText: 'disabled' })
      .waitFor()
    expect(await fx.ai.store.connections.getConnection(added!.id)).toMatchObject({
      status: 'disabled',
      disabledReason: 'disabled in the dashboard',
    })
  })

  it('syncs the catalog and says when it was synced', async () => {
    await page.getByRole('link', { name: 'Models' }).click()
    await expect(page.locator('#catalog-synced').textContent()).resolves.toBe(
      'The catalog has never been synced.',
    )
    await page.getByRole('button', { name: 'Sync models and prices now' }).click()
    await page.locator('#catalog-synced', { hasText: 'Catalog last synced' }).waitFor()
    const [model] = await fx.ai.models.list({ provider: 'openai' })
    expect(model?.syncedAt).toBeInstanceOf(Date)
    await expect(page.getByRole('table', { name: /Models in the catalog/ }).textContent()).resolves.toContain(
      `openai:${model!.id}`,
    )
  })

  it('lists webhook deliveries and retries a dead one, which the receiver then gets', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click()
    const [dead] = await fx.ai.webhooks.deliveries({ status: 'dead', event: 'error' })
    expect(dead).toMatchObject({ endpointId: 'ops', lastStatus: 503 })
    const row = page.locator(`[data-delivery="${dead!.id}"]`)
    await expect(row.locator('[data-field="status"]').textContent()).resolves.toBe('dead')
    await expect(row.locator('[data-field="last"]').textContent()).resolves.toContain('HTTP 503')
    await expect(page.content()).resolves.not.toContain(WEBHOOK_SECRET)

    receiverFailing = false
    await page.getByRole('button', { name: `Retry ${dead!.id}` }).click()
    await expect(page.getByRole('status').textContent()).resolves.toContain('pending again')
    await fx.ai.webhooks.drain()
    const [after] = (await fx.ai.webhooks.deliveries({ endpoint: 'ops' })).filter((d) => d.id === dead!.id)
    expect(after).toMatchObject({ status: 'delivered', lastStatus: 200 })
    expect(receiver.received.at(-1)).toMatchObject({ id: dead!.id, verified: true })
    await page.goto(`${dashboard}/webhooks?status=delivered`)
    await expect(row.locator('[data-field="status"]').textContent()).resolves.toBe('delivered')
  })

  it('shows the audit trail with its filters, and downloads it as JSON lines', async () => {
    await page.getByRole('link', { name: 'Audit' }).click()
    const { items } = await fx.ai.audit.query({ from: new Date(Date.now() - 7 * 86_400_000) })
    expect(items.length).toBeGreaterThanOrEqual(6)
    await expect(page.locator('#audit-table tbody tr').count()).resolves.toBe(items.length)
    await page.getByLabel('Outcome').selectOption('error')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/outcome=error/)
    const errors = items.filter((r) => r.outcome === 'error')
    expect(errors.length).toBeGreaterThan(0)
    await expect(page.locator('#audit-table tbody tr').count()).resolves.toBe(errors.length)
    // The download link as the page has it, fetched with the browser's session.
    const lines = await page.evaluate<{ type: string | null; text: string }>(`(async () => {
      const response = await fetch(document.querySelector('#audit-download').href)
      return { type: response.headers.get('content-type'), text: await response.text() }
    })()`)
    expect(lines.type).toContain('application/x-ndjson')
    expect(
      lines.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(errors.map((r) => r.id))
  })

  it('shows every page at 1280 px, a picture of each taken', async () => {
    const pages = {
      overview: '?range=7d',
      budgets: '/budgets',
      connections: '/connections',
      keys: '/keys',
      models: '/models',
      conversations: '/conversations',
      live: '/live',
      webhooks: '/webhooks',
      audit: '/audit',
    }
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(`${dashboard}${path}`)
      await page.locator('main h1').waitFor()
      if (name === 'overview') await page.locator('figure[data-chart] canvas').nth(2).waitFor()
      if (name === 'live') await page.getByText('Connected').waitFor()
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect({ name, overflow }).toEqual({ name, overflow: 0 })
      await page.screenshot({ path: join(shots, `dashboard-${name}.png`), fullPage: true })
    }
  })

  it('is usable at phone width without horizontal scrolling, and from the keyboard', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of [
      '',
      '?range=30d',
      '/budgets',
      '/keys',
      '/models',
      '/conversations',
      '/live',
      '/webhooks',
      '/audit',
    ]) {
      await page.goto(`${dashboard}${path}`)
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect({ path, overflow }).toEqual({ path, overflow: 0 })
    }
    await page.goto(dashboard)
    await page.locator('figure[data-chart] canvas').nth(2).waitFor()
    await page.screenshot({ path: join(shots, 'dashboard-overview-phone.png'), fullPage: true })
    await page.keyboard.press('Tab')
    await expect(page.evaluate<string>('document.activeElement?.textContent')).resolves.toBe(
      'Skip to content',
    )
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await expect(page.evaluate<string>('document.activeElement?.textContent')).resolves.toBe('Overview')
  })

  it('signs out: the session is gone and pages send to the login form again', async () => {
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(dashboard)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${dashboard}/login`)
    await page.goto(`${dashboard}/budgets`)
    expect(new URL(page.url()).pathname).toBe('/dashboard/login')
  })
})
