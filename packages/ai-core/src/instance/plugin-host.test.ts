import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { RequestHookInput } from '../call/request-hook.js'
import { ConfigError, ValidationError } from '../errors/errors.js'
import type { CallContext } from '../spec/call-context.js'
import { defineProvider } from '../spec/provider.js'
import { defineTool } from '../spec/tool.js'
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
