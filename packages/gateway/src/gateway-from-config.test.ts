import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from './gateway-from-config.js'

// The gateway as `aimux-gateway` starts it: from a config file, with /metrics mounted. The
// provider comes in through `plugins` here; the bin's test loads it from the config's packages.

const ADMIN_TOKEN = 'admin-token-from-config-0123456789'
const running: RunningGateway[] = []
const upstreams: FakeServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.close()))
  await Promise.all(upstreams.splice(0).map((server) => server.close()))
})

function configDir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'aimux-gateway-config-'))
  writeFileSync(join(dir, 'aimux.config.json'), JSON.stringify(config))
  return dir
}

async function start(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const upstream = await createFakeServer(openaiChatProtocol())
  upstreams.push(upstream)
  const gateway = await startGateway({
    cwd: configDir({ defaultModel: 'openai:gpt-4o-mini', retry: false, ...config }),
    env: { GATEWAY_ADMIN: ADMIN_TOKEN, ...env },
    port: 0,
    handleSignals: false,
    plugins: [openai({ apiKey: 'sk-upstream-0123456789', baseURL: `${upstream.url}/v1` })],
  })
  running.push(gateway)
  return { gateway, upstream }
}

describe('startGateway', () => {
  it('serves the API from a config file, with the admin token its env names and metrics at /metrics', async () => {
    const { gateway, upstream } = await start({ gateway: { adminTokenEnv: 'GATEWAY_ADMIN', port: 1 } })
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`)
    expect(gateway.configPath).toMatch(/aimux\.config\.json$/)

    const issued = await fetch(`${gateway.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'test' }),
    })
    expect(issued.status).toBe(201)
    const { secret } = (await issued.json()) as { secret: string }
    upstream.enqueue({ text: 'Hello from upstream', usage: { inputTokens: 12, outputTokens: 4 } })
    const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 })
    const completion = await client.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(completion.choices[0]?.message.content).toBe('Hello from upstream')

    await gateway.ai.flush()
    const scraped = await fetch(`${gateway.url}/metrics`)
    expect(scraped.status).toBe(200)
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const body = await scraped.text()
    expect(body).toContain('aimux_requests_total{provider="openai",model="gpt-4o-mini",status="ok"} 1')
    expect(body).toContain('aimux_tokens_total{provider="openai",model="gpt-4o-mini",kind="input"} 12')
  })

  it("trusts a verified key no longer than the config's keyCacheMs", async () => {
    const { gateway, upstream } = await start({ gateway: { adminTokenEnv: 'GATEWAY_ADMIN', keyCacheMs: 0 } })
    const issued = await fetch(`${gateway.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'short-lived' }),
    })
    const { id, secret } = (await issued.json()) as { id: string; secret: string }
    upstream.enqueue({ text: 'ok' })
    const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 })
    const ask = () =>
      client.chat.completions.create({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      })
    expect((await ask()).choices[0]?.message.content).toBe('ok')
    // Revoked in the store behind the instance's back (as another instance would): with no
    // cache the very next request asks the store again and is refused.
    await gateway.ai.store.virtualKeys.revoke(id, new Date())
    await expect(ask()).rejects.toMatchObject({ status: 401 })
  })

  it('wants AIMUX_METRICS_TOKEN as a bearer token on /metrics when it is set', async () => {
    const { gateway } = await start({}, { AIMUX_METRICS_TOKEN: 'scrape-token-0123456789' })
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401)
    const wrong = await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
    const right = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: 'Bearer scrape-token-0123456789' },
    })
    expect(right.status).toBe(200)
    expect(await right.text()).toContain('# TYPE aimux_requests_total counter')
  })

  it('closes once: stops listening, then closes the instance; signal handlers come and go with it', async () => {
    const before = process.listenerCount('SIGTERM')
    const upstream = await createFakeServer(openaiChatProtocol())
    upstreams.push(upstream)
    const gateway = await startGateway({
      cwd: configDir({}),
      env: {},
      port: 0,
      plugins: [openai({ apiKey: 'sk-upstream-0123456789', baseURL: `${upstream.url}/v1` })],
    })
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(0)
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200)
    await Promise.all([gateway.close(), gateway.close()])
    expect(process.listenerCount('SIGTERM')).toBe(before)
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow()
    await expect(gateway.ai.chat({ messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({
      code: 'closed',
    })
  })

  it('fails with a ConfigError naming the file and the field', async () => {
    const cwd = configDir({ gateway: { port: 'eighty' } })
    const failure = startGateway({ cwd, env: {}, handleSignals: false })
    await expect(failure).rejects.toBeInstanceOf(ConfigError)
    await expect(failure).rejects.toThrow(/aimux\.config\.json: gateway\.port/)
  })

  it('rejects with the listen error when the port is taken', async () => {
    const { gateway } = await start({})
    const second = startGateway({
      cwd: configDir({}),
      env: {},
      port: gateway.port,
      handleSignals: false,
    })
    await expect(second).rejects.toThrow(/EADDRINUSE/)
  })
})
