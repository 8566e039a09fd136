import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { RequestHookInput } from '../call/request-hook.js'
import { type AimuxError, ConfigError, StoreError, ValidationError } from '../errors/errors.js'
import type { CallContext } from '../spec/call-context.js'
import { defineProvider } from '../spec/provider.js'
import { defineTool } from '../spec/tool.js'
import { createMemorySharedState } from '../store/memory/memory-shared-state.js'
import { createMemoryStore } from '../store/memory/memory-store.js'
import type { SharedState } from '../store/shared-state.js'
import { createAI } from './create-ai.js'
import { definePlugin } from './plugin.js'

declare module '../spec/request.js' {
  interface ChatRequestExtensions {
    notes?: string[]
  }
}
declare module '../events/events.js' {
  interface AimuxEvents {
    'notes:read': { requestId: string; count: number }
  }
}
declare module './create-ai.js' {
  interface AI {
    notes?: { count(): number }
  }
}

const messages = [{ role: 'user' as const, content: 'What do my notes say?' }]

/** A plugin using every extension point: a request field, a request hook, an event, `ai.notes`. */
function notesPlugin(seen: RequestHookInput[] = []) {
  let reads = 0
  const readNotes = defineTool({
    name: 'read_notes',
    parameters: z.object({}),
    execute: () => {
      reads += 1
      return 'buy milk'
    },
  })
  return definePlugin({
    name: 'notes',
    setup(host) {
      host.extendRequest({ notes: z.array(z.string().min(1)).optional() })
      host.onRequest((input) => {
        seen.push(input)
        const notes = input.request.notes
        if (!notes) return undefined
        host.emit('notes:read', { requestId: input.requestId, count: notes.length })
        return { tools: [readNotes], system: `Notes available: ${notes.join(', ')}` }
      })
      host.decorate('notes', { count: () => reads })
    },
  })
}

describe('plugin host', () => {
  it('lets a plugin add a request field, tools and context, an event and a property on ai', async () => {
    const mock = mockProvider()
    const seen: RequestHookInput[] = []
    const ai = await createAI({ plugins: [mock, notesPlugin(seen)], defaultModel: 'mock:m' })
    const events: unknown[] = []
    ai.on('notes:read', (e) => {
      events.push(e)
    })
    mock.enqueue({ toolCalls: [{ id: 't1', name: 'read_notes', args: {} }] }, { text: 'Buy milk.' })
    const res = await ai.chat({
      system: 'Be brief.',
      messages,
      notes: ['shopping'],
      toolChoice: { type: 'tool', name: 'read_notes' },
      requestId: 'r1',
    })
    expect(res.text).toBe('Buy milk.')
    expect(res.steps).toHaveLength(2)
    expect(ai.notes?.count()).toBe(1)
    const first = mock.calls[0]!.request
    expect(first.tools?.map((t) => t.name)).toEqual(['read_notes'])
    expect(first.messages.slice(0, 3)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Notes available: shopping' },
      { role: 'user', content: 'What do my notes say?' },
    ])
    expect(seen[0]).toMatchObject({ requestId: 'r1', request: { notes: ['shopping'] } })
    await ai.flush()
    expect(events).toEqual([{ requestId: 'r1', count: 1 }])
    await ai.close()
  })

  it('leaves a request alone when the hook adds nothing, and passes the field to conversations', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'ok' } })
    const seen: RequestHookInput[] = []
    const ai = await createAI({ plugins: [mock, notesPlugin(seen)], defaultModel: 'mock:m' })
    await ai.chat({ messages })
    expect(mock.calls[0]!.request.tools).toBeUndefined()
    expect(mock.calls[0]!.request.messages).toEqual(messages)
    const chat = await ai.conversation({ id: 'c1', create: true })
    await chat.send('Hi', { notes: ['todo'] })
    expect(seen[1]).toMatchObject({ conversationId: 'c1', request: { notes: ['todo'] } })
    expect(mock.calls[1]!.request.tools?.map((t) => t.name)).toEqual(['read_notes'])
    await ai.close()
  })

  it('validates the added field and still refuses unknown ones', async () => {
    const ai = await createAI({ plugins: [mockProvider(), notesPlugin()], defaultModel: 'mock:m' })
    expect(() => ai.stream({ messages, notes: [''] })).toThrow(/notes\[0\]/)
    await expect(ai.chat({ messages, notes: 'x' as never })).rejects.toThrow(ValidationError)
    await expect(ai.chat({ messages, nots: ['x'] } as never)).rejects.toThrow(/nots/)
    const chat = await ai.conversation()
    expect(() => chat.stream('Hi', { notes: [''] })).toThrow(/notes\[0\]/)
    await ai.close()
  })

  it('refuses a field or property that is taken, naming it', async () => {
    const field = definePlugin({ name: 'f', setup: (host) => host.extendRequest({ model: z.string() }) })
    await expect(createAI({ plugins: [field] })).rejects.toThrow(/already has a field 'model'/)
    const twice = definePlugin({ name: 'again', setup: (host) => host.decorate('notes', {}) })
    await expect(createAI({ plugins: [notesPlugin(), twice] })).rejects.toThrow(
      /'ai.notes' is already added by plugin 'notes'/,
    )
    let disposed = false
    const core = definePlugin({
      name: 'core-name',
      setup: (host) => host.decorate('chat', {}),
      dispose: () => {
        disposed = true
      },
    })
    const error = await createAI({ plugins: [core] }).catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect(String(error)).toMatch(/'core-name' cannot add 'ai.chat'/)
    expect(disposed).toBe(true)
  })

  it('fails a request whose hook throws, as an error event, before any model call', async () => {
    const mock = mockProvider({ defaultTurn: { text: 'ok' } })
    const failing = definePlugin({
      name: 'failing',
      setup: (host) =>
        host.onRequest(() => {
          throw new Error('server unavailable')
        }),
    })
    const ai = await createAI({ plugins: [mock, failing], defaultModel: 'mock:m' })
    const errors: unknown[] = []
    ai.on('error', (e) => {
      errors.push(e.error.message)
    })
    await expect(ai.chat({ messages })).rejects.toThrow(/server unavailable/)
    expect(mock.calls).toHaveLength(0)
    await ai.flush()
    expect(errors).toHaveLength(1)
    expect(await ai.usage.query({ from: new Date(0), to: new Date(Date.now() + 1000) })).toMatchObject([
      { requests: 1, errors: 1 },
    ])
    await ai.close()
  })

  it("adds what a hook and its middleware count to the request's usage record, and nothing after it", async () => {
    const mock = mockProvider()
    let late: ((name: string, by?: number) => void) | undefined
    const counting = definePlugin({
      name: 'counting',
      setup(host) {
        const counters = new Map<string, (name: string, by?: number) => void>()
        host.onRequest(({ requestId, count, request }) => {
          count('counting.requests')
          counters.set(requestId, count)
          late = count
          if (request.messages.length > 1) throw new Error('too long')
          return undefined
        })
        host.use(async (call, next) => {
          counters.get(call.ctx.requestId)?.('counting.calls', 2)
          return next()
        })
      },
    })
    const ai = await createAI({ plugins: [mock, counting], defaultModel: 'mock:m' })
    mock.enqueue({ toolCalls: [{ id: 't1', name: 'noop', args: {} }] }, { text: 'done' })
    const noop = defineTool({
      name: 'noop',
      description: 'n',
      parameters: z.object({}),
      execute: async () => 'ok',
    })
    const res = await ai.chat({ messages, tools: [noop] })
    late?.('counting.late')
    const refused = await ai.chat({ messages: [...messages, ...messages] }).catch((e: AimuxError) => e)
    const plainMock = mockProvider()
    plainMock.enqueue({ text: 'hi' })
    const plain = await createAI({ plugins: [plainMock], defaultModel: 'mock:m' })
    const uncounted = await plain.chat({ messages })
    await ai.flush()
    await plain.flush()
    expect((await ai.store.usage.getUsage(res.requestId))?.counts).toEqual({
      'counting.requests': 1,
      'counting.calls': 4,
    })
    expect(await ai.store.usage.getUsage(refused.requestId!)).toMatchObject({
      success: false,
      counts: { 'counting.requests': 1 },
    })
    expect(await plain.store.usage.getUsage(uncounted.requestId)).not.toHaveProperty('counts')
    await ai.close()
    await plain.close()
  })

  it('checks toolChoice against the tools hooks added', async () => {
    const ai = await createAI({ plugins: [mockProvider(), notesPlugin()], defaultModel: 'mock:m' })
    const choice = { type: 'tool' as const, name: 'read_notes' }
    await expect(ai.chat({ messages, toolChoice: choice })).rejects.toThrow(/no tools to choose from/)
    await expect(
      ai.chat({ messages, notes: ['x'], toolChoice: { type: 'tool', name: 'other' } }),
    ).rejects.toThrow(/'other' is not among the request's tools/)
    await ai.close()
  })

  it('runs onReady with the instance and its final store, and reports a failing one', async () => {
    let storeSeen: unknown
    const ready = definePlugin({
      name: 'ready',
      setup: (host) =>
        host.onReady((ai) => {
          storeSeen = ai.store
        }),
    })
    const ai = await createAI({ plugins: [ready] })
    expect(storeSeen).toBe(ai.store)
    await ai.close()
    const broken = definePlugin({
      name: 'broken',
      setup: (host) =>
        host.onReady(() => {
          throw new Error('no table')
        }),
    })
    await expect(createAI({ plugins: [broken] })).rejects.toThrow("Plugin 'broken' failed to start: no table")
  })

  it('validates a provider with the credentials given', async () => {
    const seen: (string | undefined)[] = []
    const provider = defineProvider({
      id: 'keyed',
      generate: () => {
        throw new Error('unused')
      },
      stream: () => {
        throw new Error('unused')
      },
      validateCredentials: async (ctx: CallContext) => {
        seen.push(ctx.credentials?.apiKey)
      },
    })
    const ai = await createAI({ plugins: [{ name: 'keyed', setup: (h) => h.registerProvider(provider) }] })
    await ai.providers.validate('keyed')
    await ai.providers.validate('keyed', { apiKey: 'sk-second' })
    expect(seen).toEqual([undefined, 'sk-second'])
    await ai.close()
  })
})

describe('a plugin that fails to set up', () => {
  it('is a ConfigError that holds no key or bearer token, in its message or cause', async () => {
    const key = 'sk-proj-9f8e7d6c5b4a39281706'
    const failing = definePlugin({
      name: 'leaky',
      setup() {
        throw Object.assign(new Error(`connect failed with ${key} (Bearer tok_abcdef123456)`), {
          config: { apiKey: key },
        })
      },
    })
    const error = await createAI({ plugins: [failing] }).catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect((error as Error).message).toBe(
      "Plugin 'leaky' failed to set up: Error: connect failed with [redacted] ([redacted])",
    )
    const { inspect } = await import('node:util')
    const shown = inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })
    expect(shown).not.toContain(key)
    expect(shown).not.toContain('tok_abcdef123456')
  })
})

/**
 * Shared state over the in-memory ports, answering every call with a promise (as a networked
 * one does) and logging which port method ran.
 */
function promisedState(log: string[], leave: ('rateLimits' | 'responseCache' | 'circuits')[] = []) {
  const memory = createMemorySharedState()
  const later =
    <A extends unknown[], R>(name: string, method: (...args: A) => R) =>
    async (...args: A): Promise<Awaited<R>> => {
      log.push(name)
      await new Promise((r) => setTimeout(r, 1))
      return await method(...args)
    }
  const state: SharedState = {
    name: 'promised',
    rateLimits: {
      acquire: later('acquire', memory.rateLimits.acquire),
      addTokens: later('addTokens', memory.rateLimits.addTokens),
    },
    responseCache: {
      get: later('get', memory.responseCache.get),
      set: later('set', memory.responseCache.set),
    },
    circuits: {
      admit: later('admit', memory.circuits.admit),
      record: later('record', memory.circuits.record),
      release: later('release', memory.circuits.release),
    },
    close: async () => {
      log.push('state closed')
    },
  }
  for (const port of leave) delete state[port]
  return state
}

const statePlugin = (name: string, state: SharedState) =>
  definePlugin({ name, setup: (host) => host.registerSharedState(state) })

describe('shared state', () => {
  it("keeps the rate limiter's, cache's and breaker's state in the ports a plugin registers", async () => {
    const log: string[] = []
    const mock = mockProvider({ defaultTurn: { text: 'ok', usage: { inputTokens: 3, outputTokens: 2 } } })
    const ai = await createAI({
      plugins: [mock, statePlugin('shared', promisedState(log))],
      defaultModel: 'mock:m',
      rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 2 }] },
      cache: {},
      circuitBreaker: { minRequests: 2, failureRate: 0.5 },
      retry: false,
    })
    const ask = { messages, scope: { userId: 'u1' } }
    expect((await ai.chat(ask)).text).toBe('ok')
    expect(log).toEqual(['acquire', 'get', 'admit', 'record', 'set', 'addTokens'])
    log.length = 0
    expect((await ai.chat(ask)).text).toBe('ok') // from the cache: nothing reaches the breaker
    expect(mock.calls).toHaveLength(1)
    expect(log).toEqual(['acquire', 'get', 'addTokens'])
    await expect(ai.chat(ask)).rejects.toMatchObject({ code: 'rate-limit' })
    mock.enqueue({ error: { status: 500 } })
    await expect(ai.chat({ ...ask, scope: { userId: 'u2' }, cache: false })).rejects.toMatchObject({
      status: 500,
    })
    await expect(ai.chat({ ...ask, scope: { userId: 'u3' }, cache: false })).rejects.toMatchObject({
      code: 'circuit-open',
    })
    await ai.close()
  })

  it('keeps in memory the ports the plugin leaves out', async () => {
    const log: string[] = []
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock, statePlugin('shared', promisedState(log, ['responseCache', 'circuits']))],
      defaultModel: 'mock:m',
      cache: {},
      circuitBreaker: {},
    })
    mock.enqueue({ text: 'once' })
    await ai.chat({ messages })
    expect((await ai.chat({ messages })).text).toBe('once')
    expect(log).toEqual([])
    await ai.chat({ messages, limits: { key: 'vk_1', requestsPerDay: 5 } })
    expect(log).toEqual(['acquire', 'addTokens'])
    await ai.close()
  })

  it('never fails a call for a cache, breaker or token count it cannot reach, and reports each', async () => {
    const down = async () => {
      throw new Error('state unreachable')
    }
    const memory = createMemorySharedState()
    const broken: SharedState = {
      name: 'broken',
      rateLimits: { acquire: memory.rateLimits.acquire, addTokens: down },
      responseCache: { get: down, set: down },
      circuits: { admit: memory.circuits.admit, record: down, release: down },
    }
    const mock = mockProvider({ defaultTurn: { text: 'ok', usage: { inputTokens: 3, outputTokens: 2 } } })
    const ai = await createAI({
      plugins: [mock, statePlugin('shared', broken)],
      defaultModel: 'mock:m',
      rateLimits: { rules: [{ scope: 'user', tokensPerDay: 1_000 }] },
      cache: {},
      circuitBreaker: {},
    })
    const hits: boolean[] = []
    const failures: string[] = []
    ai.on('cache', (e) => void hits.push(e.hit))
    ai.on('background:error', (e) => void failures.push(`${e.source}: ${(e.error as Error).message}`))
    expect((await ai.chat({ messages, scope: { userId: 'u1' } })).text).toBe('ok')
    await ai.flush()
    expect(hits).toEqual([false])
    expect(failures).toEqual([
      'response cache: state unreachable',
      'circuit breaker: state unreachable',
      'response cache: state unreachable',
      'rate limits: state unreachable',
    ])
    await ai.close()
  })

  it('fails a call whose rate limits cannot be checked: a limit is never skipped', async () => {
    const memory = createMemorySharedState()
    const broken: SharedState = {
      name: 'broken',
      rateLimits: {
        acquire: async () => {
          throw new Error('state unreachable')
        },
        addTokens: memory.rateLimits.addTokens,
      },
    }
    const mock = mockProvider({ defaultTurn: { text: 'ok' } })
    const ai = await createAI({ plugins: [mock, statePlugin('shared', broken)], defaultModel: 'mock:m' })
    await expect(ai.chat({ messages, limits: { key: 'vk_1', requestsPerMinute: 10 } })).rejects.toThrow(
      'state unreachable',
    )
    expect(mock.calls).toHaveLength(0)
    expect((await ai.chat({ messages })).text).toBe('ok') // no limit: the state is not asked
    await ai.close()
  })

  it('refuses a second shared state, naming both plugins, and closes the first', async () => {
    const log: string[] = []
    const error = await createAI({
      plugins: [statePlugin('redis-a', promisedState(log)), statePlugin('redis-b', promisedState([]))],
    }).catch((e: unknown) => e)
    expect(ConfigError.is(error)).toBe(true)
    expect((error as Error).message).toBe(
      "Plugin 'redis-b' failed to set up: Two shared states: 'redis-a' and 'redis-b'. Keep one shared-state plugin.",
    )
    expect(log).toEqual(['state closed'])
  })

  it('closes the shared state after every plugin was disposed, before the store', async () => {
    const log: string[] = []
    const store = createMemoryStore()
    const plugin = definePlugin({
      name: 'shared',
      setup(host) {
        host.registerStore({ ...store, close: async () => void log.push('store closed') })
        host.registerSharedState(promisedState(log))
      },
      dispose: () => void log.push('plugin disposed'),
    })
    const later = definePlugin({ name: 'later', setup() {}, dispose: () => void log.push('later disposed') })
    const ai = await createAI({ plugins: [plugin, later] })
    await ai.close()
    expect(log).toEqual(['later disposed', 'plugin disposed', 'state closed', 'store closed'])
  })

  it("reports a shared state's failure to close as a StoreError naming it, and still closes the store", async () => {
    const log: string[] = []
    const failing: SharedState = {
      name: 'flaky',
      close: async () => {
        throw new Error('connection reset')
      },
    }
    const plugin = definePlugin({
      name: 'shared',
      setup(host) {
        host.registerStore({ ...createMemoryStore(), close: async () => void log.push('store closed') })
        host.registerSharedState(failing)
      },
    })
    const ai = await createAI({ plugins: [plugin] })
    const error = await ai.close().catch((e: unknown) => e)
    expect(StoreError.is(error)).toBe(true)
    expect((error as Error).message).toBe("The shared state 'flaky' failed to close: Error: connection reset")
    expect(log).toEqual(['store closed'])
  })
})
