import { randomBytes } from 'node:crypto'
import { type ConnectionRecord, type ConnectionStore, createMemoryStore } from '@aimux/ai-core'
import { createBackgroundWork } from '@aimux/ai-core/provider-kit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { configFingerprint } from './config-fingerprint.js'
import { type ConnectionStateOptions, createConnectionState } from './connection-state.js'
import { createCredentialCipher } from './credential-cipher.js'
import { SecretCredentials } from './secret-credentials.js'

it('forgets what it keeps for connections no longer stored: a returning bad one is reported again', async () => {
  const store = createMemoryStore().connections
  const cipher = createCredentialCipher(new Map([['v1', randomBytes(32)]]))
  const other = createCredentialCipher(new Map([['v1', randomBytes(32)]]))
  const reports: unknown[] = []
  const retained: string[][] = []
  const state = createConnectionState({
    store,
    cipher,
    configured: new Map(),
    refreshMs: 0,
    writes: createBackgroundWork(() => {}, { start: 'now' }),
    onDecrypt: async () => {},
    retain: (ids) => void retained.push([...ids]),
    report: (error) => void reports.push(error),
  })
  // Written under a master key this instance lacks.
  const record = {
    id: 'x',
    provider: 'openai',
    name: 'x',
    ciphertext: other.encrypt({ apiKey: 'sk-test-state-0123456789' }, { id: 'x', provider: 'openai' }),
    priority: 0,
    weight: 1,
    status: 'active' as const,
  }
  await store.upsertConnection(record)
  await state.reload()
  await state.reload()
  expect(reports).toHaveLength(1)
  expect(state.get('x')?.problem?.message).toContain("connection 'x' with master key v1")

  await store.deleteConnection('x')
  await state.reload()
  await store.upsertConnection(record)
  await state.reload()
  expect(reports).toHaveLength(2)
  expect(retained).toEqual([['x'], ['x'], [], ['x']])
})

describe('the view of the store', () => {
  const cipher = createCredentialCipher(new Map([['v1', randomBytes(32)]]))
  const record = (id: string, fields: Partial<ConnectionRecord> = {}) => ({
    id,
    provider: 'openai',
    name: id,
    ciphertext: cipher.encrypt({ apiKey: `sk-test-${id}-0123456789` }, { id, provider: 'openai' }),
    priority: 0,
    weight: 1,
    status: 'active' as const,
    ...fields,
  })

  /**
   * A state over a memory store, refreshed every second by a clock the test moves. Its listing
   * counts its calls, can fail, or can be held open after reading until the test releases it.
   */
  const setUp = (configured: ConnectionStateOptions['configured'] = new Map()) => {
    const connections = createMemoryStore().connections
    let clock = 1_000_000
    vi.spyOn(performance, 'now').mockImplementation(() => clock)
    const reports: unknown[] = []
    const listing = {
      calls: 0,
      fail: undefined as Error | undefined,
      held: undefined as { read: () => void; until: Promise<void> } | undefined,
    }
    const store: ConnectionStore = {
      ...connections,
      listConnections: async (filter) => {
        listing.calls++
        if (listing.fail) throw listing.fail
        const records = await connections.listConnections(filter)
        const held = listing.held
        if (held) {
          held.read()
          await held.until
        }
        return records
      },
    }
    const state = createConnectionState({
      store,
      cipher,
      configured,
      refreshMs: 1_000,
      writes: createBackgroundWork(() => {}, { start: 'now' }),
      onDecrypt: async () => {},
      retain: () => {},
      report: (error) => void reports.push(error),
    })
    /** Holds the next listing open once it has read; resolves when it has, with its release. */
    const holdListing = () => {
      let release = () => {}
      const until = new Promise<void>((resolve) => {
        release = resolve
      })
      return new Promise<() => void>((read) => {
        listing.held = {
          read: () => {
            listing.held = undefined
            read(release)
          },
          until,
        }
      })
    }
    const advance = (ms: number) => {
      clock += ms
    }
    return { connections, state, reports, listing, holdListing, advance }
  }

  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('loads on the first fresh(), then again only once refreshMs has passed', async () => {
    const { connections, state, listing, advance } = setUp()
    await connections.upsertConnection(record('a'))
    await state.fresh()
    expect(state.get('a')?.credentials?.reveal()).toEqual({ apiKey: 'sk-test-a-0123456789' })

    await connections.upsertConnection(record('b'))
    advance(999)
    await state.fresh()
    expect(state.get('b')).toBeUndefined()
    expect(listing.calls).toBe(1)
    advance(1)
    await state.fresh()
    expect(state.get('b')?.status).toBe('active')
    expect(listing.calls).toBe(2)
  })

  it('keeps the old view when a reload in fresh() fails, reports it, and retries after refreshMs', async () => {
    const { connections, state, reports, listing, advance } = setUp()
    await connections.upsertConnection(record('a'))
    await state.fresh()
    const failure = new Error('store unreachable')
    listing.fail = failure
    advance(1_000)
    await expect(state.fresh()).resolves.toBeUndefined()
    expect(reports).toEqual([failure])
    expect(state.get('a')?.status).toBe('active')

    await state.fresh()
    expect(listing.calls).toBe(2)
    listing.fail = undefined
    await connections.upsertConnection(record('b'))
    advance(1_000)
    await state.fresh()
    expect(listing.calls).toBe(3)
    expect(state.get('b')).toBeDefined()
    expect(reports).toHaveLength(1)
  })

  it('applies changes made while a reload reads the store over what it read, for that reload only', async () => {
    const { connections, state, holdListing } = setUp()
    await connections.upsertConnection(record('a'))
    await state.reload()
    const held = holdListing()
    const reloading = state.reload()
    // Made after the reload read 'a' as active, before its view replaces the old one.
    const release = await held
    const until = new Date(Date.now() + 60_000)
    state.change('a', { status: 'disabled', disabledReason: 'key revoked' })
    state.change('a', { cooldownUntil: until })
    release()
    await reloading
    expect(state.get('a')).toMatchObject({ status: 'disabled', disabledReason: 'key revoked' })
    expect(state.get('a')?.health.cooldownUntil).toEqual(until)

    // The store still says active (nothing wrote the change): the next reload shows that.
    await state.reload()
    expect(state.get('a')?.status).toBe('active')
    expect(state.get('a')?.disabledReason).toBeUndefined()
    expect(state.get('a')?.health.cooldownUntil).toBeUndefined()
  })

  it('chooses for a provider among the connections it can use or must report', async () => {
    const own = {
      credentials: new SecretCredentials({ apiKey: 'sk-own-0123456789' }),
      sealedAs: 'config:own',
    }
    const { connections, state } = setUp(new Map([['mine', own]]))
    const elsewhere = createCredentialCipher(new Map([['v1', randomBytes(32)]]))
    const fingerprint = (id: string) =>
      configFingerprint({ id, provider: 'openai', credentials: { apiKey: `sk-${id}-0123456789` } })
    await connections.upsertConnection(record('stored'))
    await connections.upsertConnection(
      record('undecryptable', {
        ciphertext: elsewhere.encrypt(
          { apiKey: 'sk-x-0123456789' },
          { id: 'undecryptable', provider: 'openai' },
        ),
      }),
    )
    await connections.upsertConnection(record('mine', { ciphertext: fingerprint('mine') }))
    // Given in another instance's options: its secret is not here.
    await connections.upsertConnection(record('theirs', { ciphertext: fingerprint('theirs') }))
    await connections.upsertConnection({
      ...record('other-provider'),
      provider: 'anthropic',
      ciphertext: cipher.encrypt(
        { apiKey: 'sk-ant-0123456789' },
        { id: 'other-provider', provider: 'anthropic' },
      ),
    })
    await state.reload()
    const ids = (provider: string) =>
      state
        .forProvider(provider)
        .map((entry) => entry.id)
        .sort()
    expect(ids('openai')).toEqual(['mine', 'stored', 'undecryptable'])
    expect(ids('anthropic')).toEqual(['other-provider'])
    expect(state.get('undecryptable')?.problem).toBeDefined()
    expect(state.get('theirs')).toMatchObject({ source: 'config' })
  })

  it('drops the disabled reason when a change enables the connection, and only then', async () => {
    const { connections, state } = setUp()
    await connections.upsertConnection(record('a', { status: 'disabled', disabledReason: 'key revoked' }))
    await state.reload()
    const until = new Date(Date.now() + 60_000)
    state.change('a', { cooldownUntil: until })
    expect(state.get('a')).toMatchObject({ status: 'disabled', disabledReason: 'key revoked' })
    expect(state.get('a')?.health.cooldownUntil).toEqual(until)
    state.change('a', { status: 'disabled', disabledReason: '401 from the provider' })
    expect(state.get('a')).toMatchObject({ status: 'disabled', disabledReason: '401 from the provider' })
    state.change('a', { status: 'retiring' })
    expect(state.get('a')?.status).toBe('retiring')
    expect(state.get('a')).not.toHaveProperty('disabledReason')
  })
})
