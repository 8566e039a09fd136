import { createServer, type Server, type Socket } from 'node:net'
import { ClosedError, ConfigError, StoreError } from '@aimux/ai-core'
import { shownEverywhere } from '@aimux/ai-testing'
import { createClient } from '@redis/client'
import { afterEach, describe, expect, it } from 'vitest'
import { useTestStates } from '../test/open-state.js'
import { freePort, type OwnRedisServer, startOwnRedisServer } from '../test/own-redis-server.js'
import { testRedisUrl } from '../test/test-redis.js'
import { createRedisState } from './redis-state.js'
import { redisState } from './redis-state-plugin.js'

const openState = useTestStates()
const password = 'pw-Hunter2/s3cret@x'
const checks = [{ key: 'user:u1', window: 'minute', kind: 'requests', max: 5 }] as const
const T = 1_700_000_000_000

let server: OwnRedisServer | undefined
let silent: { server: Server; sockets: Set<Socket> } | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
  for (const socket of silent?.sockets ?? []) socket.destroy()
  await new Promise((resolve) => (silent ? silent.server.close(resolve) : resolve(undefined)))
  silent = undefined
})

/** The password, as written and encoded, is nowhere in what `value` shows. */
function expectNoPassword(value: unknown) {
  const shown = shownEverywhere(value)
  expect(shown).not.toContain(password)
  expect(shown).not.toContain(encodeURIComponent(password))
  expect(shown).not.toContain('Hunter2')
}

describe('options', () => {
  it('are checked, each wrong one a ConfigError naming it, never repeating the URL', async () => {
    const wrong: [unknown, RegExp][] = [
      [{ url: `http://:${password}@127.0.0.1:6379` }, /url: must be a redis:\/\/ or rediss:\/\/ URL/],
      [{}, /url: give exactly one of url and client/],
      [{ url: testRedisUrl, prefix: '' }, /prefix: /],
      [{ url: testRedisUrl, share: { rateLimit: true } }, /share: /],
      [{ url: testRedisUrl, connectTimeoutMs: 0 }, /connectTimeoutMs: /],
      [{ url: testRedisUrl, colour: 'red' }, /colour/],
      [{ client: {} }, /client: expected a node-redis client/],
    ]
    for (const [options, message] of wrong) {
      const error = await createRedisState(options as never).catch((e: unknown) => e)
      expect(ConfigError.is(error), String(error)).toBe(true)
      expect((error as Error).message).toMatch(/^Invalid redis options: /)
      expect((error as Error).message).toMatch(message)
      expectNoPassword(error)
      expect(() => redisState(options as never)).toThrow(message)
    }
  })

  it('share only the ports named, and a prefix of its own keeps two states apart', async () => {
    const state = await openState({ share: { responseCache: false, circuits: false } })
    expect(Object.keys(state).sort()).toEqual(['close', 'name', 'prefix', 'rateLimits'])
    expect(state.name).toBe('redis')
    const other = await openState()
    for (let i = 0; i < 5; i++) await state.rateLimits!.acquire(checks, T)
    expect(await state.rateLimits!.acquire(checks, T)).toMatchObject({ ok: false })
    expect(await other.rateLimits!.acquire(checks, T)).toEqual({ ok: true })
  })
})

describe('close()', () => {
  it('quits the client the state opened; later calls fail with a ClosedError; a second close is fine', async () => {
    const state = await createRedisState({ url: testRedisUrl })
    await state.close()
    await state.close()
    const error = await Promise.resolve(state.rateLimits!.acquire(checks, T)).catch((e: unknown) => e)
    expect(ClosedError.is(error)).toBe(true)
  })

  it('leaves open a client the application passed in', async () => {
    const client = createClient({ url: testRedisUrl })
    client.on('error', () => {})
    await client.connect()
    try {
      const state = await openState({ client })
      expect(await state.rateLimits!.acquire(checks, T)).toEqual({ ok: true })
      await state.close()
      expect(client.isOpen).toBe(true)
      expect(await client.ping()).toBe('PONG')
      expect(
        ClosedError.is(await Promise.resolve(state.circuits!.release('a:b', {} as never, T)).catch((e) => e)),
      ).toBe(true)
    } finally {
      client.destroy()
    }
  })

  it('asks for a client that is connected', async () => {
    const client = createClient({ url: testRedisUrl })
    const error = await createRedisState({ client }).catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect((error as Error).message).toBe(
      'Invalid redis options: client: is not connected; call its connect() first.',
    )
  })
})

describe('a Redis that is down', () => {
  it('fails createRedisState with a StoreError naming the URL without its password', async () => {
    const port = await freePort()
    const error = await createRedisState({
      url: `redis://app:${encodeURIComponent(password)}@127.0.0.1:${port}/2`,
    }).catch((e: unknown) => e)
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot connect to Redis at redis://app@127\\.0\\.0\\.1:${port}/2: .*ECONNREFUSED`),
    )
    expectNoPassword(error)
  })

  it('fails within connectTimeoutMs when the server accepts and never answers', async () => {
    const sockets = new Set<Socket>()
    const listener = createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    silent = { server: listener, sockets }
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    const { port } = listener.address() as { port: number }
    const error = await createRedisState({
      url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
      connectTimeoutMs: 100,
    }).catch((e: unknown) => e)
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toBe(
      `Cannot connect to Redis at redis://127.0.0.1:${port}: no answer within 100 ms.`,
    )
    expectNoPassword(error)
  })

  it('fails createAI() with that StoreError, as the cause of the plugin failing to set up', async () => {
    const { createAI } = await import('@aimux/ai-core')
    const port = await freePort()
    const error = await createAI({
      plugins: [redisState({ url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}` })],
    }).catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect((error as Error).message).toContain(`Plugin 'redis' failed to set up`)
    expect((error as Error).message).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port}`)
    expect(StoreError.is((error as Error).cause)).toBe(true)
    expectNoPassword(error)
  })

  it('turns a wrong password into a StoreError that does not show it', async () => {
    server = await startOwnRedisServer({ password: 'the-right-one' })
    const error = await createRedisState({ url: server.url(password) }).catch((e: unknown) => e)
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toMatch(
      /^Cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+: WRONGPASS/,
    )
    expectNoPassword(error)
    // And the right one works.
    const state = await createRedisState({ url: server.url('the-right-one') })
    try {
      expect(await state.rateLimits!.acquire(checks, T)).toEqual({ ok: true })
    } finally {
      await state.close()
    }
  })

  it('fails each call at once while Redis is away, and serves again once it is back', async () => {
    server = await startOwnRedisServer({ password })
    const state = await createRedisState({ url: server.url(password) })
    try {
      expect(await state.rateLimits!.acquire(checks, T)).toEqual({ ok: true })
      await server.stop()
      const calls = [
        state.rateLimits!.acquire(checks, T),
        state.rateLimits!.addTokens(checks, 10, T),
        state.responseCache!.get('k'),
        state.circuits!.admit('a:b', { failureRate: 0.5, minRequests: 1, windowMs: 1_000, openMs: 1_000 }, T),
      ]
      for (const call of calls) {
        const error = await Promise.resolve(call).catch((e: unknown) => e)
        expect(StoreError.is(error), String(error)).toBe(true)
        expect((error as Error).message).toMatch(
          new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${server.port} failed to `),
        )
        expectNoPassword(error)
      }
      await server.start()
      // The client reconnects on its own, within a couple of seconds of backoff.
      let answer: unknown
      for (let attempt = 0; attempt < 300; attempt++) {
        answer = await Promise.resolve(state.rateLimits!.acquire(checks, T)).catch((e: unknown) => e)
        if (!StoreError.is(answer)) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      // A restarted Redis has lost the keys and the scripts: counting starts again, by EVAL.
      expect(answer).toEqual({ ok: true })
    } finally {
      await state.close()
    }
  })
})
