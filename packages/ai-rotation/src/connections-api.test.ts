import { type AI, ConfigError, RateLimitError, ValidationError } from '@aimux/ai-core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ask,
  chatCalls,
  closeServers,
  connectionTo,
  fakeKey,
  fakeMasterKey,
  type Keyed,
  rotatingAI,
  startKeyedServers,
} from '../test/test-fixtures.js'

let ai: AI | undefined
let servers: Record<string, Keyed> = {}
afterEach(async () => {
  await ai?.close()
  ai = undefined
  await closeServers(servers)
  servers = {}
})

/** A stored connection to a keyed server, as `ai.connections.add()` takes it. */
const stored = (keyed: Keyed, fields: Record<string, unknown> = {}) => ({
  ...connectionTo(keyed),
  ...fields,
})

describe('ai.connections', () => {
  it('adds, lists, changes, retires, disables, enables and removes stored connections, never showing a secret', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    ai = await rotatingAI({ masterKey: fakeMasterKey(), connections: [connectionTo(b, { priority: -1 })] })

    const added = await ai.connections.add(stored(a, { name: 'Primary', limits: { requestsPerMinute: 500 } }))
    expect(added).toMatchObject({
      id: 'a',
      provider: 'openai',
      name: 'Primary',
      priority: 0,
      weight: 1,
      status: 'active',
      limits: { requestsPerMinute: 500 },
      source: 'store',
      keyVersion: 'v1',
      usable: true,
    })
    expect(JSON.stringify(added)).not.toContain(a.key)
    expect((await ai.connections.list()).map((c) => [c.id, c.source])).toEqual([
      ['a', 'store'],
      ['b', 'config'],
    ])
    await expect(ai.connections.add(stored(a))).rejects.toThrow(
      "Connection 'a' already exists; change it with ai.connections.update().",
    )

    expect(await ai.connections.update('a', { weight: 2, limits: null })).toMatchObject({ weight: 2 })
    expect((await ai.connections.get('a'))?.limits).toBeUndefined()
    expect(await ai.connections.retire('a')).toMatchObject({ status: 'retiring' })
    expect(await ai.connections.disable('a', 'leaked in a log')).toMatchObject({
      status: 'disabled',
      disabledReason: 'leaked in a log',
    })
    const enabled = await ai.connections.enable('a')
    expect(enabled.status).toBe('active')
    expect(enabled.disabledReason).toBeUndefined()

    // New credentials take effect at once.
    const newKey = fakeKey('a2')
    await ai.connections.update('a', { credentials: { apiKey: newKey, baseURL: `${a.server.url}/v1` } })
    a.server.enqueue({ text: 'a' })
    await ai.chat(ask)
    expect(a.server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${newKey}`)

    expect(await ai.connections.remove('a')).toBe(true)
    expect(await ai.connections.remove('a')).toBe(false)
    expect(await ai.connections.get('a')).toBeUndefined()

    // A configured connection changes in the options, not here; its status may change.
    await expect(ai.connections.update('b', { weight: 5 })).rejects.toThrow(
      "Connection 'b' is given in the rotation() options: change it there.",
    )
    await expect(ai.connections.remove('b')).rejects.toThrow(ConfigError)
    expect(await ai.connections.retire('b')).toMatchObject({ status: 'retiring', source: 'config' })

    // Every decryption of the stored credentials is audited too: once when added, once when changed.
    const actions = (await ai.connections.audit({ connectionId: 'a' })).map((e) => e.action).reverse()
    expect(actions).toEqual([
      'add',
      'decrypt',
      'update',
      'retire',
      'disable',
      'enable',
      'update',
      'decrypt',
      'use',
      'remove',
    ])
  })

  it('refuses a wrong connection, naming the field, and adding without a master key', async () => {
    servers = await startKeyedServers(['a'])
    const { a } = servers as { a: Keyed }
    ai = await rotatingAI({ masterKey: fakeMasterKey() })
    const error = await ai.connections
      .add({ ...stored(a), priority: 'high' } as never)
      .catch((e: unknown) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect((error as Error).message).toBe(
      'Invalid connection: priority: Invalid input: expected number, received string',
    )
    await expect(ai.connections.add({ ...stored(a), provider: 'acme' })).rejects.toThrow(
      "Connection 'a': provider 'acme' is not registered (registered: openai).",
    )
    await ai.close()

    ai = await rotatingAI({})
    await expect(ai.connections.add(stored(a))).rejects.toThrow(
      'ai.connections.add() needs a master key to encrypt credentials: set AIMUX_MASTER_KEY or pass masterKey to rotation().',
    )
  })

  it('reports health: successes, failures, consecutive failures, last use and error, latency, cooldown', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    const now = Date.parse('2026-11-22T12:00:00.000Z')
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
      now: () => now,
    })
    a.server.enqueue({ text: 'ok' }, { error: { status: 500, message: 'boom' } }, { error: { status: 429 } })
    b.server.enqueue({ text: 'ok' })
    await ai.chat(ask)
    await expect(ai.chat(ask)).rejects.toThrow('openai: 500 boom')
    await ai.chat(ask)

    const [healthA, healthB] = await ai.connections.health()
    expect(healthA).toMatchObject({
      connectionId: 'a',
      provider: 'openai',
      name: 'a',
      status: 'active',
      successes: 1,
      failures: 2,
      consecutiveFailures: 2,
      lastUsedAt: new Date(now),
      lastError: 'openai: 429 Rate limit reached for requests.',
      cooldownUntil: new Date(now + 1_000),
      coolingDown: true,
    })
    expect(healthA!.avgLatencyMs).toBeGreaterThan(0)
    expect(healthB).toMatchObject({ connectionId: 'b', successes: 1, failures: 0, coolingDown: false })
  })

  it('tests a connection against the provider without changing it', async () => {
    servers = await startKeyedServers(['good', 'revoked'])
    const { good, revoked } = servers as { good: Keyed; revoked: Keyed }
    ai = await rotatingAI({
      connections: [
        connectionTo(good),
        // Its server accepts only its own key: this one was revoked.
        {
          ...connectionTo(revoked),
          credentials: { apiKey: fakeKey('old'), baseURL: `${revoked.server.url}/v1` },
        },
      ],
    })
    expect(await ai.connections.test('good')).toMatchObject({ ok: true })
    expect(await ai.connections.test('revoked')).toMatchObject({
      ok: false,
      error: {
        code: 'authentication',
        status: 401,
        message: 'openai: 401 Incorrect API key provided: [redacted].',
      },
    })
    expect((await ai.connections.get('revoked'))?.status).toBe('active')
    expect((await ai.connections.audit()).map((e) => [e.connectionId, e.action, e.detail])).toEqual([
      ['revoked', 'test', 'authentication'],
      ['good', 'test', 'ok'],
    ])
    await expect(ai.connections.test('missing')).rejects.toThrow("Unknown connection 'missing'.")
  })

  it('audits every use of a connection: who, when, which request, never the secret', async () => {
    servers = await startKeyedServers(['a'])
    const { a } = servers as { a: Keyed }
    const now = Date.parse('2026-11-22T12:00:00.000Z')
    ai = await rotatingAI({ connections: [connectionTo(a)], now: () => now })
    a.server.enqueue({ text: 'one' }, { text: 'two' })
    const first = await ai.chat({ ...ask, scope: { tenantId: 'acme', userId: 'u1' } })
    const second = await ai.chat(ask)

    expect(await ai.connections.audit({ connectionId: 'a', limit: 10 })).toEqual([
      {
        at: new Date(now),
        connectionId: 'a',
        action: 'use',
        actor: 'aimux',
        requestId: second.requestId,
        detail: 'openai:gpt-4o-mini',
      },
      {
        at: new Date(now),
        connectionId: 'a',
        action: 'use',
        actor: 'tenant:acme/user:u1',
        requestId: first.requestId,
        detail: 'openai:gpt-4o-mini',
      },
    ])
  })

  it('rotates a key without downtime: add the new one, retire the old one, remove it', async () => {
    servers = await startKeyedServers(['old', 'new'])
    const { old, new: next } = servers as { old: Keyed; new: Keyed }
    ai = await rotatingAI({ masterKey: fakeMasterKey() })
    await ai.connections.add(stored(old))
    const replies = (text: string) => Array.from({ length: 20 }, () => ({ text }))
    old.server.enqueue(...replies('old'))
    next.server.enqueue(...replies('new'))
    const burst = () => Promise.all(Array.from({ length: 5 }, () => ai!.chat(ask).then((r) => r.text)))

    expect(new Set(await burst())).toEqual(new Set(['old']))
    await ai.connections.add(stored(next))
    const during = burst()
    await ai.connections.retire('old')
    await during
    expect(new Set(await burst())).toEqual(new Set(['new']))
    const oldCalls = chatCalls(old)
    await ai.connections.remove('old')
    expect(new Set(await burst())).toEqual(new Set(['new']))
    expect(chatCalls(old)).toBe(oldCalls)
  })

  it('forgets the strikes and counters of a removed connection: one added again under its id starts afresh', async () => {
    servers = await startKeyedServers(['a'])
    const { a } = servers as { a: Keyed }
    let now = 1_000_000
    ai = await rotatingAI({ masterKey: fakeMasterKey(), now: () => now })
    const cooldowns: number[] = []
    ai.on('connection:cooldown', (e) => void cooldowns.push(e.cooldownMs))
    const connection = stored(a, { limits: { requestsPerMinute: 2 } })
    await ai.connections.add(connection)
    a.server.enqueue({ error: { status: 429 } }, { error: { status: 429 } }, { text: 'fresh' })
    await expect(ai.chat(ask)).rejects.toThrow(RateLimitError)

    await ai.connections.remove('a')
    await ai.connections.add(connection)
    now += 2_000
    await expect(ai.chat(ask)).rejects.toThrow(RateLimitError)
    now += 2_000
    expect((await ai.chat(ask)).text).toBe('fresh')
    // The first strike again (1 s, not 2 s); its request from before is not counted either, else
    // the third call would find it at its limit of two a minute.
    expect(cooldowns).toEqual([1_000, 1_000])
  })
})
