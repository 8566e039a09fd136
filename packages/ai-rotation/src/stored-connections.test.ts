import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AI, AuthenticationError, ConfigError } from '@aimux/ai-core'
import { createPostgresStore, postgresStore } from '@aimux/store-postgres'
import { createSqliteStore, sqliteStore } from '@aimux/store-sqlite'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { dropSchemas, freshSchemaName, testDatabaseUrl } from '../../store-postgres/test/test-database.js'
import {
  ask,
  closeServers,
  connectionTo,
  fakeMasterKey,
  type Keyed,
  rotatingAI,
  startKeyedServers,
} from '../test/test-fixtures.js'

let servers: Record<string, Keyed> = {}
const open: AI[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((ai) => ai.close()))
  await closeServers(servers)
  servers = {}
})
const directory = mkdtempSync(join(tmpdir(), 'aimux-rotation-'))
const schemas: string[] = []
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true })
  await dropSchemas(schemas)
})

/** An instance on a SQLite file, closed after the test. */
async function onSqlite(path: string, masterKey: string | Record<string, string> | undefined) {
  const ai = await rotatingAI({ masterKey }, { plugins: [sqliteStore({ path })] })
  open.push(ai)
  return ai
}

describe('stored connections in SQLite', () => {
  it('stores credentials encrypted and serves calls with them after a restart', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    const path = join(directory, 'round-trip.db')
    const masterKey = fakeMasterKey()

    const first = await onSqlite(path, masterKey)
    await first.connections.add(connectionTo(a, { priority: 1 }))
    await first.connections.add(connectionTo(b))
    await first.close()

    const store = await createSqliteStore({ path })
    const rows = await store.connections.listConnections()
    await store.close()
    for (const [row, keyed] of [
      [rows[0]!, a],
      [rows[1]!, b],
    ] as const) {
      expect(row.ciphertext).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/)
      expect(row.ciphertext).not.toContain(keyed.key)
      expect(JSON.stringify(row)).not.toContain(keyed.key)
    }

    const second = await onSqlite(path, masterKey)
    a.server.enqueue({ text: 'from a' })
    expect((await second.chat(ask)).text).toBe('from a')
    expect(a.server.requests[0]!.headers.authorization).toBe(`Bearer ${a.key}`)

    await second.close()
    const wrong = await onSqlite(path, fakeMasterKey()).catch((e: unknown) => e)
    expect(ConfigError.is(wrong)).toBe(true)
    expect((wrong as Error).message).toBe(
      "Plugin 'rotation' failed to start: Cannot decrypt the credentials of connection 'a' with master key v1: " +
        'the key is wrong or the stored ciphertext was altered.',
    )
    await expect(onSqlite(path, undefined)).rejects.toThrow(
      "Connection 'a' is stored encrypted, but no master key is configured: set AIMUX_MASTER_KEY or pass masterKey to rotation().",
    )
    await expect(
      rotatingAI({ masterKey, connections: [connectionTo(a)] }, { plugins: [sqliteStore({ path })] }),
    ).rejects.toThrow(
      "Connection 'a' is given in the rotation() options and is also stored with encrypted credentials",
    )
  })

  it('keeps a configured connection disabled across a restart, without storing its key', async () => {
    servers = await startKeyedServers(['a', 'b'])
    const { a, b } = servers as { a: Keyed; b: Keyed }
    const path = join(directory, 'configured.db')
    const connections = [connectionTo(a, { priority: 1 }), connectionTo(b)]
    const start = async () => {
      const ai = await rotatingAI({ connections }, { plugins: [sqliteStore({ path })] })
      open.push(ai)
      return ai
    }

    const first = await start()
    a.server.enqueue({ error: { status: 401 } })
    b.server.enqueue({ text: 'b' }, { text: 'b again' })
    await first.chat(ask)
    await first.close()

    const store = await createSqliteStore({ path })
    const rows = await store.connections.listConnections()
    await store.close()
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      ['a', 'disabled'],
      ['b', 'active'],
    ])
    // In place of a ciphertext, a fingerprint of the key, not the key.
    for (const [row, keyed] of [
      [rows[0]!, a],
      [rows[1]!, b],
    ] as const) {
      expect(row.ciphertext).toMatch(/^config:[\w-]{43}$/)
      expect(row.ciphertext).not.toContain(keyed.key.slice(-12))
    }

    const second = await start()
    expect((await second.chat(ask)).text).toBe('b again')
    expect(a.server.requests).toHaveLength(1)
    expect((await second.connections.enable('a')).status).toBe('active')
  })

  it('rotates the master key: re-encrypts every stored connection under the new version', async () => {
    servers = await startKeyedServers(['a', 'b', 'c'])
    const { a, b, c } = servers as { a: Keyed; b: Keyed; c: Keyed }
    const path = join(directory, 'rotate.db')
    const [v1, v2] = [fakeMasterKey(), fakeMasterKey()]

    const before = await onSqlite(path, { v1 })
    await before.connections.add(connectionTo(a, { priority: 1 }))
    await before.connections.add(connectionTo(b))
    await before.close()

    const during = await onSqlite(path, { v1, v2 })
    // Added while both keys are configured: written with the highest version at once.
    await during.connections.add(connectionTo(c, { priority: -1 }))
    const versions = async () => (await during.connections.list()).map((x) => [x.id, x.keyVersion])
    expect(await versions()).toEqual([
      ['a', 'v1'],
      ['b', 'v1'],
      ['c', 'v2'],
    ])
    expect(await during.connections.rotateMasterKey({ actor: 'ops' })).toEqual({
      version: 'v2',
      reencrypted: 2,
    })
    expect(await during.connections.rotateMasterKey()).toEqual({ version: 'v2', reencrypted: 0 })
    expect(await versions()).toEqual([
      ['a', 'v2'],
      ['b', 'v2'],
      ['c', 'v2'],
    ])
    const audit = await during.connections.audit({ connectionId: 'a' })
    expect(audit.find((e) => e.action === 'rotate-master-key')).toMatchObject({ detail: 'v1 -> v2' })
    // Its credentials were decrypted to be re-encrypted: audited as every decryption is.
    expect(audit.slice(1, 3).map((e) => [e.action, e.actor])).toEqual([
      ['rotate-master-key', 'ops'],
      ['decrypt', 'ops'],
    ])
    await during.close()

    const after = await onSqlite(path, { v2 })
    a.server.enqueue({ text: 'still a' })
    expect((await after.chat(ask)).text).toBe('still a')
    expect(a.server.requests[0]!.headers.authorization).toBe(`Bearer ${a.key}`)
    await after.close()

    await expect(onSqlite(path, { v1 })).rejects.toThrow(
      "Cannot decrypt the credentials of connection 'a': they are encrypted with master key v2, which is not configured (configured: v1).",
    )
  })
})

describe('connections given in code, on several instances', () => {
  it("leaves another instance's connection alone: a 401 for an older key or a remove() do not touch it", async () => {
    servers = await startKeyedServers(['a'])
    const { a } = servers as { a: Keyed }
    const path = join(directory, 'configured-elsewhere.db')
    const start = async (options: Parameters<typeof rotatingAI>[0]) => {
      const ai = await rotatingAI(options, { plugins: [sqliteStore({ path })] })
      open.push(ai)
      return ai
    }
    // An instance still running with the old key, then one started with the new key.
    const stale = await start({
      connections: [
        { ...connectionTo(a), credentials: { apiKey: 'old-key-0001', baseURL: `${a.server.url}/v1` } },
      ],
    })
    const current = await start({ refreshMs: 0, connections: [connectionTo(a)] })
    const other = await start({})

    a.server.enqueue({ error: { status: 401, message: 'Incorrect API key provided: old-key-0001.' } })
    const refused = await stale.chat(ask).catch((e: unknown) => e)
    expect(AuthenticationError.is(refused)).toBe(true)
    expect((refused as Error).message).toContain("'a' (openai: 401 Incorrect API key provided: [redacted].)")
    expect((await current.connections.get('a'))?.status).toBe('active')

    const message =
      "Connection 'a' is given in the rotation() options of another instance: take it out of them and " +
      'restart every instance, then remove it with { force: true }.'
    await expect(other.connections.remove('a')).rejects.toThrow(message)
    await expect(current.connections.remove('a', { force: true })).rejects.toThrow('of this instance')
    a.server.enqueue({ text: 'still here' })
    expect((await current.chat(ask)).text).toBe('still here')
    // Once no instance lists it any more.
    expect(await other.connections.remove('a', { force: true })).toBe(true)
  })
})

describe('stored connections in PostgreSQL', () => {
  it('stores encrypted connections that another instance on the same schema uses', async () => {
    servers = await startKeyedServers(['a'])
    const { a } = servers as { a: Keyed }
    const schema = freshSchemaName()
    schemas.push(schema)
    const masterKey = fakeMasterKey()
    const instance = () =>
      rotatingAI({ masterKey }, { plugins: [postgresStore({ connectionString: testDatabaseUrl, schema })] })

    const first = await instance()
    open.push(first)
    await first.connections.add(connectionTo(a))
    const second = await instance()
    open.push(second)
    a.server.enqueue({ text: 'from postgres' })
    const res = await second.chat(ask)
    expect(res.text).toBe('from postgres')
    expect(a.server.requests[0]!.headers.authorization).toBe(`Bearer ${a.key}`)
    expect((await second.usage.get(res.requestId))?.connectionId).toBe('a')

    const store = await createPostgresStore({ connectionString: testDatabaseUrl, schema })
    try {
      const row = await store.connections.getConnection('a')
      expect(row?.ciphertext).toMatch(/^v1:/)
      expect(row?.ciphertext).not.toContain(a.key)
    } finally {
      await store.close()
    }
  })
})
