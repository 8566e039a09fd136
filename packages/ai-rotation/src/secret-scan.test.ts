import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import type { AI, AimuxEventName } from '@aimux/ai-core'
import { sqliteStore } from '@aimux/store-sqlite'
import { afterAll, expect, it, vi } from 'vitest'
import {
  ask,
  closeServers,
  connectionTo,
  fakeKey,
  fakeMasterKey,
  type Keyed,
  rotatingAI,
  startKeyedServers,
} from '../test/test-fixtures.js'
import { SecretCredentials } from './secret-credentials.js'

const directory = mkdtempSync(join(tmpdir(), 'aimux-rotation-scan-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const eventNames: AimuxEventName[] = [
  'request',
  'response',
  'cost',
  'error',
  'tool:call',
  'models:synced',
  'rate-limit',
  'route',
  'cache',
  'retry',
  'circuit:state',
  'provider:switched',
  'budget:threshold',
  'budget:exceeded',
  'background:error',
  'connection:selected',
  'connection:cooldown',
  'connection:disabled',
]

/** Every way a value may be shown: inspected in depth (causes included) and as JSON. */
function shown(value: unknown): string {
  let json = ''
  try {
    json = JSON.stringify(value) ?? ''
  } catch {}
  const extra = value instanceof Error ? `${value.message}\n${value.stack}\n${String(value)}` : ''
  return `${inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true })}\n${json}\n${extra}`
}

/**
 * A key shaped like no provider's, so the core's masking of key shapes (sk-..., Bearer ...) cannot
 * hide a failure of the plugin's own masking.
 */
const plainKey = (id: string) => `${id}${randomBytes(16).toString('hex')}`

it('shows no key in any log, event, error, usage record, audit entry or connection listing', async () => {
  const servers = await startKeyedServers(['a', 'b', 'c', 'd'], (id) =>
    id === 'a' ? fakeKey(id) : plainKey(id),
  )
  const { a, b, c, d } = servers as Record<string, Keyed>
  const masterKey = fakeMasterKey()
  const headerSecret = 'hdr-secret-7d1c1e0b9f2a4c55'
  const captured: string[] = []
  const capture = (value: unknown) => void captured.push(shown(value))
  const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => capture(args)),
  )
  const path = join(directory, 'scan.db')
  let ai: AI | undefined
  try {
    ai = await rotatingAI(
      {
        masterKey,
        connections: [
          connectionTo(a!, { priority: 3 }),
          connectionTo(b!, { priority: 2 }),
          {
            ...connectionTo(c!, { priority: 1 }),
            credentials: {
              apiKey: c!.key,
              baseURL: `${c!.server.url}/v1`,
              headers: { 'x-api-secret': headerSecret },
            },
          },
        ],
      },
      { plugins: [sqliteStore({ path })] },
    )
    for (const name of eventNames) ai.on(name, capture)
    await ai.connections.add({ ...connectionTo(d!, { priority: -1 }) })

    // a: rate-limited; b: refused, its key echoed back; c answers, then fails, echoing its key and
    // header; d is tested.
    a!.server.enqueue({
      error: { status: 429, message: `Rate limit reached for ${a!.key}`, retryAfterMs: 60_000 },
    })
    b!.server.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${b!.key}.` } })
    c!.server.enqueue(
      { text: 'fine' },
      { chunks: ['streamed ', 'fine'] },
      { error: { status: 500, message: `upstream failed for ${c!.key} (x-api-secret: ${headerSecret})` } },
      { error: { status: 401, message: `Incorrect API key provided: ${c!.key}, ${headerSecret}.` } },
    )
    d!.server.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${d!.key}.` } })
    const requestIds: string[] = []
    requestIds.push((await ai.chat(ask)).requestId)
    const stream = ai.stream(ask)
    for await (const _ of stream);
    requestIds.push((await stream.result).requestId)

    const errors: unknown[] = []
    const fail = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.unreachable(),
        (e) => errors.push(e),
      )
    await fail(ai.chat({ ...ask, requestId: 'fails-500' })) // passed on from the adapter
    await fail(ai.chat({ ...ask, requestId: 'fails-refused' })) // c and d refused, a still cooling
    await fail(ai.chat({ ...ask, requestId: 'fails-cooling' }))
    requestIds.push('fails-500', 'fails-refused', 'fails-cooling')
    await fail(ai.connections.add({ ...connectionTo(a!), id: 'bad id with spaces' }))
    await fail(ai.connections.update('a', { weight: 2 }))
    captured.push(shown(await ai.connections.test('d')))
    captured.push(shown(await ai.connections.test('a')))

    await ai.flush()
    for (const id of requestIds) captured.push(shown(await ai.usage.get(id)))
    captured.push(shown(await ai.connections.audit({ limit: 1000 })))
    captured.push(shown(await ai.connections.list()), shown(await ai.connections.health()))
    captured.push(shown(ai.connections), shown(ai))
    await ai.close()
    ai = undefined

    // The wrong master key: the error names the connection, never a key.
    await fail(rotatingAI({ masterKey: fakeMasterKey() }, { plugins: [sqliteStore({ path })] }))
    const credentials = new SecretCredentials({ apiKey: a!.key, headers: { 'x-api-secret': headerSecret } })
    captured.push(shown(credentials), String(credentials), `${credentials}`, shown({ nested: credentials }))
    for (const error of errors) captured.push(shown(error))

    expect(errors).toHaveLength(6)
    const text = captured.join('\n')
    // The scan sees what happened: the keys' connections, their errors, and the masked echoes.
    for (const expected of [
      'Incorrect API key provided: [redacted]',
      'every connection is cooling down',
      'upstream failed for',
    ])
      expect(text).toContain(expected)
    for (const secret of [a!.key, b!.key, c!.key, d!.key, headerSecret, masterKey]) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(secret.slice(-16))
    }
  } finally {
    for (const spy of consoles) spy.mockRestore()
    await ai?.close()
    await closeServers(servers)
  }
})
