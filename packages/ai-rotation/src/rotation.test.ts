import {
  type AI,
  AuthenticationError,
  ConfigError,
  createAI,
  defineProvider,
  RateLimitError,
} from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ask,
  chatCalls,
  closeServers,
  connectionTo,
  fakeMasterKey,
  type Keyed,
  rotatingAI,
  seededRandom,
  startKeyedServers,
} from '../test/test-fixtures.js'
import { rotation } from './rotation.js'
import type {
  ConnectionCooldownEvent,
  ConnectionDisabledEvent,
  ConnectionSelectedEvent,
} from './rotation-events.js'

let ai: AI | undefined
let servers: Record<string, Keyed> = {}
afterEach(async () => {
  await ai?.close()
  ai = undefined
  await closeServers(servers)
  servers = {}
})

function recordEvents(instance: AI) {
  const events = {
    selected: [] as ConnectionSelectedEvent[],
    cooldown: [] as ConnectionCooldownEvent[],
    disabled: [] as ConnectionDisabledEvent[],
  }
  instance.on('connection:selected', (e) => void events.selected.push(e))
  instance.on('connection:cooldown', (e) => void events.cooldown.push(e))
  instance.on('connection:disabled', (e) => void events.disabled.push(e))
  return events
}

describe('failover inside one call', () => {
  it('moves on from a 429 at once: the caller gets the answer and the usage record names the connection', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
    })
    const events = recordEvents(ai)
    a.server.enqueue({ error: { status: 429, message: 'Rate limit reached', retryAfterMs: 30_000 } })
    b.server.enqueue({ text: 'Hello from b' })

    const res = await ai.chat(ask)

    expect(res.text).toBe('Hello from b')
    expect(a.server.requests[0]!.headers.authorization).toBe(`Bearer ${a.key}`)
    expect(b.server.requests[0]!.headers.authorization).toBe(`Bearer ${b.key}`)
    expect((await ai.usage.get(res.requestId))?.connectionId).toBe('b')
    await ai.flush()
    expect(events.selected.map((e) => [e.connectionId, e.failover])).toEqual([
      ['a', false],
      ['b', true],
    ])
    expect(events.cooldown).toEqual([
      expect.objectContaining({ connectionId: 'a', cooldownMs: 30_000, reason: 'rate-limit' }),
    ])
  })

  it('fails over a stream whose first answer is a 429', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    ai = await rotatingAI({ connections: [connectionTo(a, { priority: 1 }), connectionTo(b)] })
    a.server.enqueue({ error: { status: 429, retryAfterMs: 5_000 } })
    b.server.enqueue({ chunks: ['Streamed ', 'from ', 'b'] })

    const stream = ai.stream(ask)
    let text = ''
    for await (const part of stream) if (part.type === 'text-delta') text += part.text
    const result = await stream.result

    expect(text).toBe('Streamed from b')
    expect((await ai.usage.get(result.requestId))?.connectionId).toBe('b')
    expect([chatCalls(a), chatCalls(b)]).toEqual([1, 1])
  })

  it('records a stream left before its end as neither a success nor a failure', async () => {
    servers = await startKeyedServers(['a'])
    const { a } = servers as { a: Keyed }
    ai = await rotatingAI({ connections: [connectionTo(a)] })
    a.server.enqueue({ chunks: ['one ', 'two ', 'three'] }, { chunks: ['all ', 'of it'] })

    for await (const part of ai.stream(ask)) if (part.type === 'text-delta') break
    const health = async () => (await ai!.connections.health())[0]!
    expect(await health()).toMatchObject({ successes: 0, failures: 0 })

    for await (const _ of ai.stream(ask));
    expect(await health()).toMatchObject({ successes: 1, failures: 0 })
  })
})

describe('cooldown', () => {
  it('skips a rate-limited connection until its Retry-After has passed, then uses it again', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    let now = Date.parse('2026-11-22T12:00:00.000Z')
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
      now: () => now,
    })
    a.server.enqueue({ error: { status: 429, retryAfterMs: 30_000 } }, { text: 'a is back' })
    b.server.enqueue({ text: 'b 1' }, { text: 'b 2' })

    expect((await ai.chat(ask)).text).toBe('b 1')
    const [health] = await ai.connections.health()
    expect(health).toMatchObject({ connectionId: 'a', coolingDown: true, failures: 1 })
    expect(health!.cooldownUntil).toEqual(new Date(now + 30_000))

    now += 29_000
    expect((await ai.chat(ask)).text).toBe('b 2')
    expect(chatCalls(a)).toBe(1)

    now += 2_000
    expect((await ai.chat(ask)).text).toBe('a is back')
    expect(chatCalls(a)).toBe(2)
  })

  it('backs off, doubling, when a 429 has no Retry-After', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    let now = 1_000_000
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
      cooldown: { baseMs: 5_000 },
      now: () => now,
    })
    const events = recordEvents(ai)
    a.server.enqueue({ error: { status: 429 } }, { error: { status: 429 } })
    b.server.enqueue({ text: 'b' }, { text: 'b' })

    await ai.chat(ask)
    now += 5_000
    await ai.chat(ask)
    await ai.flush()
    expect(events.cooldown.map((e) => e.cooldownMs)).toEqual([5_000, 10_000])
  })

  it('never shortens a cooldown, and counts 429s of calls in flight together once', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    const now = 1_000_000
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
      now: () => now,
    })
    const events = recordEvents(ai)
    const cooldownOfA = async () =>
      (await ai!.connections.health()).find((h) => h.connectionId === 'a')!.cooldownUntil!.getTime() - now

    // Two calls on a at once: a Retry-After of 30 s, then a 429 without one (a 1 s backoff).
    a.server.enqueue({ error: { status: 429, retryAfterMs: 30_000 } }, { error: { status: 429 } })
    b.server.enqueue(...Array.from({ length: 8 }, () => ({ text: 'b' })))
    await Promise.all([ai.chat(ask), ai.chat(ask)])
    expect(await cooldownOfA()).toBe(30_000)
    expect(events.cooldown.map((e) => e.cooldownMs)).toEqual([30_000, 30_000])

    // Six at once, none with a Retry-After: one strike (1 s), not 1, 2, 4 ... 32 s.
    await ai.close()
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
      now: () => now,
    })
    const burst = recordEvents(ai)
    a.server.enqueue(...Array.from({ length: 6 }, () => ({ error: { status: 429 } })))
    b.server.enqueue(...Array.from({ length: 6 }, () => ({ text: 'b' })))
    await Promise.all(Array.from({ length: 6 }, () => ai!.chat(ask)))
    expect(chatCalls(a)).toBe(8)
    expect(new Set(burst.cooldown.map((e) => e.cooldownMs))).toEqual(new Set([1_000]))
    expect(await cooldownOfA()).toBe(1_000)
  })
})

describe('disable', () => {
  it('disables a connection refused with 401, with the reason and an event; a 403 only moves on', async () => {
    servers = await startKeyedServers(['a', 'b', 'c'])
    const { a, b, c } = servers as { a: Keyed; b: Keyed; c: Keyed }
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 2 }), connectionTo(b, { priority: 1 }), connectionTo(c)],
    })
    const events = recordEvents(ai)
    a.server.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${a.key}.` } })
    b.server.enqueue(
      { error: { status: 403, message: 'Project does not have access to model gpt-4.5-preview' } },
      { text: 'b again' },
    )
    c.server.enqueue({ text: 'c answers' })

    expect((await ai.chat({ ...ask, model: 'openai:gpt-4.5-preview' })).text).toBe('c answers')
    expect((await ai.chat(ask)).text).toBe('b again')
    expect([chatCalls(a), chatCalls(b), chatCalls(c)]).toEqual([1, 2, 1])

    const listed = await ai.connections.list()
    expect(listed.find((x) => x.id === 'a')).toMatchObject({
      status: 'disabled',
      disabledReason: 'openai: 401 Incorrect API key provided: [redacted].',
    })
    expect(listed.find((x) => x.id === 'b')).toMatchObject({ status: 'active' })
    await ai.flush()
    expect(events.disabled.map((e) => [e.connectionId, e.reason])).toEqual([
      ['a', 'openai: 401 Incorrect API key provided: [redacted].'],
    ])
    const audit = await ai.connections.audit({ connectionId: 'a' })
    expect(audit.find((e) => e.action === 'disable')).toMatchObject({ actor: 'aimux' })
  })

  it("gives the caller the provider's 403 when every key answers 403, and disables none", async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    ai = await rotatingAI({ connections: [connectionTo(a), connectionTo(b)] })
    const refusal = { status: 403, message: 'Project does not have access to model gpt-4.5-preview' }
    a.server.enqueue({ error: refusal }, { text: 'ok' })
    b.server.enqueue({ error: refusal }, { text: 'ok' })

    const error = await ai.chat({ ...ask, model: 'openai:gpt-4.5-preview' }).catch((e: unknown) => e)
    expect(AuthenticationError.is(error)).toBe(true)
    expect(error).toMatchObject({
      status: 403,
      message: 'openai: 403 Project does not have access to model gpt-4.5-preview',
    })
    expect((await ai.connections.list()).map((x) => x.status)).toEqual(['active', 'active'])
    expect((await ai.chat(ask)).text).toBe('ok')
  })

  it('does not disable a connection whose credentials were replaced while a call used the old ones', async () => {
    // A provider that holds the old key's call until the credentials are replaced, then refuses it.
    let entered!: () => void
    const inFlight = new Promise<void>((resolve) => (entered = resolve))
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const gated = defineProvider({
      id: 'gated',
      async generate(_request, ctx) {
        if (ctx.credentials?.apiKey === 'old-key-0001') {
          entered()
          await released
          throw new AuthenticationError('gated: 401 key revoked', { status: 401, provider: 'gated' })
        }
        const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 }
        return { content: [{ type: 'text', text: 'new key works' }], finishReason: 'stop', usage } as never
      },
    })
    ai = await createAI({
      plugins: [
        { name: 'gated', setup: (host) => host.registerProvider(gated) },
        rotation({ masterKey: fakeMasterKey() }),
      ],
      defaultModel: 'gated:m',
      retry: false,
    })
    await ai.connections.add({ id: 's', provider: 'gated', credentials: { apiKey: 'old-key-0001' } })
    const call = ai.chat(ask).catch((e: unknown) => e)
    await inFlight
    await ai.connections.update('s', { credentials: { apiKey: 'new-key-0002' } })
    release()

    // The caller gets the provider's own 401; the connection, now with the new key, stays active.
    expect(await call).toMatchObject({ status: 401, message: 'gated: 401 key revoked' })
    expect((await ai.connections.get('s'))?.status).toBe('active')
    expect((await ai.chat(ask)).text).toBe('new key works')
    expect((await ai.connections.audit({ connectionId: 's' })).map((e) => e.action)).not.toContain('disable')
  })

  it('fails with an AuthenticationError listing the reasons when every connection is disabled', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    ai = await rotatingAI({ connections: [connectionTo(a), connectionTo(b)] })
    a.server.enqueue({ error: { status: 401 } })
    b.server.enqueue({ error: { status: 401 } })

    const error = await ai.chat(ask).catch((e: unknown) => e)
    expect(AuthenticationError.is(error)).toBe(true)
    expect((error as Error).message).toMatch(
      /every connection is disabled: 'a' \(openai: 401 .+\), 'b' \(openai: 401/,
    )
  })
})

describe('selection', () => {
  it('shares calls by weight within a priority: 3:1 over 400 calls, none to a lower priority', async () => {
    servers = await startKeyedServers(['a', 'b', 'low'])
    const { a, b, low } = servers as { a: Keyed; b: Keyed; low: Keyed }
    ai = await rotatingAI({
      connections: [
        connectionTo(a, { weight: 3 }),
        connectionTo(b, { weight: 1 }),
        connectionTo(low, { priority: -1 }),
      ],
      random: seededRandom(42),
      auditCalls: false,
    })
    const replies = Array.from({ length: 400 }, () => ({ text: 'ok' }))
    a.server.enqueue(...replies)
    b.server.enqueue(...replies)

    for (let batch = 0; batch < 20; batch++)
      await Promise.all(Array.from({ length: 20 }, () => ai!.chat(ask)))

    expect(chatCalls(a) + chatCalls(b)).toBe(400)
    expect(chatCalls(a)).toBeGreaterThanOrEqual(270)
    expect(chatCalls(a)).toBeLessThanOrEqual(330)
    expect(chatCalls(low)).toBe(0)
  })

  it('uses a retiring connection only when no active one can serve', async () => {
    servers = await startKeyedServers(['old', 'new'])
    const { old, new: fresh } = servers as { old: Keyed; new: Keyed }
    ai = await rotatingAI({
      connections: [connectionTo(old, { status: 'retiring', priority: 10 }), connectionTo(fresh)],
    })
    fresh.server.enqueue(...Array.from({ length: 10 }, () => ({ text: 'new' })), {
      error: { status: 429, retryAfterMs: 60_000 },
    })
    old.server.enqueue({ text: 'old helps out' })

    for (let i = 0; i < 10; i++) expect((await ai.chat(ask)).text).toBe('new')
    expect(chatCalls(old)).toBe(0)
    expect((await ai.chat(ask)).text).toBe('old helps out')
  })

  it('says when the first connection is free when every one is cooling down', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    const now = Date.parse('2026-11-22T12:00:00.000Z')
    ai = await rotatingAI({
      connections: [connectionTo(a, { priority: 1 }), connectionTo(b)],
      now: () => now,
    })
    a.server.enqueue({ error: { status: 429, retryAfterMs: 30_000 } })
    b.server.enqueue({ error: { status: 429, retryAfterMs: 10_000 } })

    for (let call = 0; call < 2; call++) {
      const error = await ai.chat(ask).catch((e: unknown) => e)
      expect(RateLimitError.is(error)).toBe(true)
      expect(error).toMatchObject({ retryAfterMs: 10_000, provider: 'openai' })
      expect((error as Error).message).toBe(
        "openai: every connection is cooling down or at its limits; the first, 'b', is free in 10.0 s (at 2026-11-22T12:00:10.000Z).",
      )
    }
    // The second call was refused without a request.
    expect([chatCalls(a), chatCalls(b)]).toEqual([1, 1])
  })

  it('skips a connection over its requests or tokens per minute until the window has room', async () => {
    servers = await startKeyedServers(['a', 'b', 'c'])
    const { a, b, c } = servers as { a: Keyed; b: Keyed; c: Keyed }
    let now = 5_000_000
    ai = await rotatingAI({
      connections: [
        connectionTo(a, { priority: 2, limits: { requestsPerMinute: 2 } }),
        connectionTo(b, { priority: 1, limits: { tokensPerMinute: 20 } }),
        connectionTo(c),
      ],
      now: () => now,
    })
    a.server.enqueue(...Array.from({ length: 4 }, () => ({ text: 'a' })))
    b.server.enqueue({ text: 'b', usage: { inputTokens: 10, outputTokens: 15 } }, { text: 'b' })
    c.server.enqueue({ text: 'c' })

    const served = async () => (await ai!.chat(ask)).text
    expect([await served(), await served(), await served(), await served()]).toEqual(['a', 'a', 'b', 'c'])
    now += 61_000
    expect([await served(), await served(), await served()]).toEqual(['a', 'a', 'b'])
  })
})

describe('pass-through and configuration', () => {
  it("calls a provider without connections with the adapter's own key", async () => {
    servers = await startKeyedServers(['a'])
    const own = await createFakeServer(openaiChatProtocol())
    try {
      ai = await createAI({
        plugins: [
          openai({ apiKey: 'sk-adapter-own-key-unused', baseURL: 'http://127.0.0.1:9/v1' }),
          openai({ id: 'backup', apiKey: 'sk-backup-own-key', baseURL: `${own.url}/v1` }),
          rotation({ connections: [connectionTo(servers.a!)] }),
        ],
        retry: false,
      })
      own.enqueue({ text: 'own key' })
      const res = await ai.chat({ ...ask, model: 'backup:gpt-4o-mini' })
      expect(res.text).toBe('own key')
      expect(own.requests[0]!.headers.authorization).toBe('Bearer sk-backup-own-key')
      expect((await ai.usage.get(res.requestId))?.connectionId).toBeUndefined()
    } finally {
      await own.close()
    }
  })

  it('refuses wrong options, naming the field, without repeating a secret', async () => {
    const key = 'sk-test-never-shown-0123456789'
    const wrong = (options: Parameters<typeof rotation>[0]) => {
      try {
        rotation(options)
      } catch (error) {
        expect(ConfigError.is(error)).toBe(true)
        return (error as Error).message
      }
      throw new Error('rotation() accepted wrong options')
    }
    const conn = { id: 'a', provider: 'openai', credentials: { apiKey: key } }
    expect(
      wrong({ connections: [{ ...conn, credentials: { apiKey: key, baseURL: 'not a url' } }] }),
    ).toContain('connections[0].credentials.baseURL: must be a URL')
    expect(wrong({ connections: [conn, { ...conn }] })).toContain("connections[1].id: 'a' is used twice")
    expect(wrong({ connections: [{ ...conn, weight: 0 }] })).toContain(
      'connections[0].weight: must be positive',
    )
    expect(wrong({ masterKey: key })).toContain('master key v1 must be 32 bytes')
    expect(wrong({ masterKey: { v1: fakeMasterKey(), two: fakeMasterKey() } })).toContain(
      "a master key version must be written v1, v2, ...; got 'two'",
    )
    for (const message of [wrong({ masterKey: key }), wrong({ connections: [{ ...conn, weight: 0 }] })])
      expect(message).not.toContain(key)

    await expect(
      createAI({
        plugins: [
          openai({ apiKey: 'sk-unused' }),
          rotation({ connections: [{ ...conn, provider: 'nope' }] }),
        ],
      }),
    ).rejects.toThrow("Connection 'a': provider 'nope' is not registered (registered: openai).")
  })
})
