import { createServer, type Server, type Socket } from 'node:net'
import { inspect } from 'node:util'
import { createAI, StoreError, ValidationError } from '@aimux/ai-core'
import { Pool } from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPostgresStore, DEFAULT_CONNECT_TIMEOUT_MS } from './postgres-store.js'
import { postgresStore } from './postgres-store-plugin.js'

const password = 'pw-Hunter2-s3cret'

/** A TCP listener on 127.0.0.1 that accepts connections and never answers them. */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as { port: number }).port, server, sockets }
}

let listener: Awaited<ReturnType<typeof silentServer>> | undefined
afterEach(async () => {
  vi.useRealTimers()
  for (const socket of listener?.sockets ?? []) socket.destroy()
  await new Promise((resolve) => listener?.server.close(resolve) ?? resolve(undefined))
  listener = undefined
})

/** Everything an error shows, at every depth: message, stack, cause chain, JSON and util.inspect. */
function everythingShown(error: unknown): string {
  const shown = [
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ]
  for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause) {
    shown.push(
      String(cause),
      (cause as Error).stack ?? '',
      inspect(cause, { depth: Number.POSITIVE_INFINITY }),
    )
  }
  return shown.join('\n')
}

describe('connecting to a server that never answers', () => {
  it('fails with a StoreError naming the host and port, never the password', async () => {
    listener = await silentServer()
    const connectionString = `postgres://aimux:${password}@127.0.0.1:${listener.port}/aimux`
    const error = await createPostgresStore({ connectionString, connectTimeoutMs: 100 }).catch(
      (e: unknown) => e,
    )
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toBe(
      `Cannot connect to PostgreSQL at 127.0.0.1:${listener.port}: no answer within 100 ms.`,
    )
    expect(everythingShown(error)).not.toContain(password)
    expect(everythingShown(error)).not.toContain(encodeURIComponent(password))
  })

  it('ends createAI() with that StoreError instead of waiting forever', async () => {
    listener = await silentServer()
    const connectionString = `postgresql://aimux:${encodeURIComponent(`${password}/@`)}@127.0.0.1:${listener.port}/aimux`
    const error = await createAI({
      plugins: [postgresStore({ connectionString, connectTimeoutMs: 100 })],
    }).catch((e: unknown) => e)
    const shown = everythingShown(error)
    expect(shown).toContain(`127.0.0.1:${listener.port}`)
    expect(shown).not.toContain(password)
  })

  it('gives up after 10 s by default', async () => {
    listener = await silentServer()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBe(10_000)
    let settled: unknown
    const store = createPostgresStore({
      connectionString: `postgres://aimux:${password}@127.0.0.1:${listener.port}/aimux`,
    }).then(
      () => 'connected',
      (error: unknown) => error,
    )
    void store.then((outcome) => {
      settled = outcome
    })
    // Only timers are fake: the connection itself is real, and accepted.
    for (let turn = 0; listener.sockets.size === 0 && turn < 100_000; turn++) {
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(listener.sockets.size).toBe(1)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(settled).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    vi.useRealTimers()
    const error = await store
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toContain('no answer within 10000 ms')
  })

  it('masks the password in the message and the cause of any other failure too', async () => {
    // A port nothing listens on: the connection is refused at once.
    listener = await silentServer()
    const port = listener.port
    await new Promise((resolve) => listener!.server.close(resolve))
    listener = undefined
    const error = await createPostgresStore({
      connectionString: `postgres://aimux:${password}@127.0.0.1:${port}/aimux`,
    }).catch((e: unknown) => e)
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Cannot set up the PostgreSQL store in schema aimux: .* \\(server 127\\.0\\.0\\.1:${port}\\)$`,
      ),
    )
    expect(everythingShown(error)).not.toContain(password)
  })
})

describe('connectTimeoutMs', () => {
  it('is checked: a positive whole number of milliseconds, and only for the pool the store opens', async () => {
    const connectionString = 'postgres://aimux@127.0.0.1:1/aimux'
    for (const connectTimeoutMs of [0, -1, 1.5]) {
      await expect(createPostgresStore({ connectionString, connectTimeoutMs })).rejects.toThrow(
        /connectTimeoutMs/,
      )
    }
    const pool = new Pool({ connectionString })
    try {
      const error = await createPostgresStore({ pool, connectTimeoutMs: 100 }).catch((e: unknown) => e)
      expect(ValidationError.is(error) || (error as Error).message.includes('connectTimeoutMs')).toBe(true)
      expect((error as Error).message).toContain("set your pool's connectionTimeoutMillis instead")
    } finally {
      await pool.end()
    }
  })
})
