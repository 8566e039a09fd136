import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import { textOfParts as textOf } from '../spec/message.js'

async function setup() {
  const mock = mockProvider({
    models: [{ id: 'small', contextWindow: 400, maxOutputTokens: 100 }, { id: 'large' }],
  })
  const ai = await createAI({
    plugins: [mock],
    defaultModel: 'mock:large',
    prices: [
      { provider: 'mock', model: 'large', price: { input: 1, output: 1 } },
      { provider: 'mock', model: 'small', price: { input: 1, output: 1 } },
    ],
  })
  return { mock, ai }
}

describe('conversations', () => {
  it('persists each turn and keeps the running cost and message count', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({ userId: 'u1', title: 'Support', system: 'Be brief.' })
    mock.enqueue(
      { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } },
      { text: 'Paris.', usage: { inputTokens: 20, outputTokens: 3 } },
    )
    expect((await chat.send('Hi')).text).toBe('Hello!')
    expect((await chat.send('Capital of France?')).text).toBe('Paris.')
    // The second call carried the whole history.
    expect(mock.calls[1]?.request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
      { role: 'user', content: 'Capital of France?' },
    ])
    expect(mock.calls[1]?.ctx.scope).toEqual({ userId: 'u1' })
    const record = await chat.record()
    expect(record).toMatchObject({
      title: 'Support',
      userId: 'u1',
      messageCount: 5,
      totalCostNanoUsd: 12_000 + 23_000,
    })
    const stored = await chat.messages()
    expect(stored.map((m) => [m.role, m.costNanoUsd, m.status])).toEqual([
      ['system', 0, 'complete'],
      ['user', 0, 'complete'],
      ['assistant', 12_000, 'complete'],
      ['user', 0, 'complete'],
      ['assistant', 23_000, 'complete'],
    ])
    expect(stored[4]).toMatchObject({
      provider: 'mock',
      model: 'large',
      finishReason: 'stop',
      usage: { inputTokens: 20 },
    })
    // Loading it again by id continues it.
    const again = await ai.conversation({ id: chat.id })
    expect((await again.record()).messageCount).toBe(5)
    await ai.close()
  })

  it('chooses the model: the call, then the conversation, then the user preference, then the default', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: '1' }, { text: '2' }, { text: '3' }, { text: '4' })
    const chat = await ai.conversation({ userId: 'u2' })
    await chat.send('a')
    await ai.setUserModel({ userId: 'u2' }, 'mock:small')
    await chat.send('b')
    await chat.setModel('mock:large')
    await chat.send('c')
    await chat.send('d', { model: 'mock:small' })
    expect(mock.calls.map((c) => c.request.model)).toEqual(['large', 'small', 'large', 'small'])
    // A tenant user's preference applies however the conversation is reopened.
    const tenantChat = await ai.conversation({ tenantId: 't1', userId: 'u9' })
    await ai.setUserModel({ tenantId: 't1', userId: 'u9' }, 'mock:small')
    mock.enqueue({ text: '5' })
    await (await ai.conversation({ id: tenantChat.id })).send('e')
    expect(mock.calls[4]?.request.model).toBe('small')
    await ai.close()
  })

  it("trims history that would overflow the model's context window, oldest first", async () => {
    const { mock, ai } = await setup()
    await ai.models.sync()
    const chat = await ai.conversation({ model: 'mock:small', system: 'sys' })
    mock.enqueue({ text: 'r1' }, { text: 'r2' }, { text: 'r3' })
    await chat.send('x'.repeat(800)) // ~200 tokens
    await chat.send('y'.repeat(800))
    await chat.send('last')
    const sent = mock.calls[2]!.request.messages
    // 400-token window less 100 reserved for output: only the latest turns fit.
    expect(sent[0]).toEqual({ role: 'system', content: 'sys' })
    expect(sent.slice(1).map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(sent[sent.length - 1]).toEqual({ role: 'user', content: 'last' })
    expect(JSON.stringify(sent)).not.toContain('xxxx')
    // Nothing was deleted from the store.
    expect((await chat.messages()).length).toBe(7)
    await ai.close()
  })

  it('takes a model alias, resolved for the call and for trimming to its context window', async () => {
    const mock = mockProvider({ models: [{ id: 'small', contextWindow: 400, maxOutputTokens: 100 }] })
    const ai = await createAI({ plugins: [mock], aliases: { tiny: 'mock:small' } })
    await ai.models.sync()
    const chat = await ai.conversation({ model: 'tiny' })
    mock.enqueue({ text: 'r1' }, { text: 'r2' })
    await chat.send('x'.repeat(1600)) // ~400 tokens: more than the window leaves for history
    await chat.send('last')
    expect(mock.calls.map((c) => c.request.model)).toEqual(['small', 'small'])
    expect(mock.calls[1]!.request.messages).toEqual([{ role: 'user', content: 'last' }])
    await expect(chat.setModel('no-such-alias')).rejects.toBeInstanceOf(ValidationError)
    await ai.close()
  })

  it('keeps the partial reply of a broken stream, marked partial', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({ userId: 'u3' })
    mock.enqueue({ chunks: ['The answer ', 'is ', '42'], breakAfterChunks: 2 })
    const stream = chat.stream('Question?')
    await expect(stream.result).rejects.toMatchObject({ code: 'stream-interrupted' })
    const stored = await chat.messages()
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'partial'],
    ])
    expect(stored[1]?.content).toEqual([{ type: 'text', text: 'The answer is ' }])
    // The partial reply is part of the history sent next.
    mock.enqueue({ text: 'again' })
    await chat.send('Go on')
    expect(mock.calls[1]?.request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    await ai.close()
  })

  it('records a failed turn as an error message that is left out of the history', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    mock.enqueue({ error: { status: 500, message: 'boom' } }, { text: 'fine' })
    await expect(chat.send('one', { retry: false })).rejects.toMatchObject({ code: 'provider' })
    await chat.send('two')
    expect((await chat.messages()).map((m) => m.status)).toEqual([
      'complete',
      'error',
      'complete',
      'complete',
    ])
    expect(mock.calls[1]?.request.messages.map((m) => m.role)).toEqual(['user', 'user'])
    await ai.close()
  })

  it('persists tool steps in order', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    mock.enqueue({ toolCalls: [{ id: 't1', name: 'now', args: {} }] }, { text: 'It is noon.' })
    await chat.send('Time?', {
      tools: [{ name: 'now', parameters: { type: 'object', properties: {} }, execute: () => '12:00' }],
    })
    expect((await chat.messages()).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant'])
    await ai.close()
  })

  it('isolates tenants: another tenant cannot load a conversation by id', async () => {
    const { ai } = await setup()
    const mine = await ai.conversation({ tenantId: 'acme', userId: 'u', title: 'mine' })
    const other = await ai.conversation({ id: mine.id, tenantId: 'globex', userId: 'u' }).catch((e) => e)
    expect(NotFoundError.is(other)).toBe(true)
    expect((await mine.record()).title).toBe('mine')
    await ai.close()
  })

  it('loads a conversation only for its owner, with the same error as an id that does not exist', async () => {
    const { ai } = await setup()
    const mine = await ai.conversation({ tenantId: 't1', userId: 'u1', projectId: 'p1' })
    for (const owner of [
      { userId: 'u2' },
      { projectId: 'p2' },
      { tenantId: 't2' },
      { userId: 'u1', projectId: 'p2' },
    ]) {
      const taken = await ai.conversation({ id: mine.id, ...owner }).catch((e) => e)
      const unknown = await ai.conversation({ id: 'no-such-id', ...owner }).catch((e) => e)
      expect(NotFoundError.is(taken)).toBe(true)
      expect(NotFoundError.is(unknown)).toBe(true)
      // Nothing tells a stored id from an unknown one.
      expect(taken.message.replace(mine.id, 'ID')).toBe(unknown.message.replace('no-such-id', 'ID'))
    }
    // Every owner field given matches, or none is given: loaded.
    for (const owner of [{}, { userId: 'u1' }, { tenantId: 't1', userId: 'u1', projectId: 'p1' }])
      expect((await ai.conversation({ id: mine.id, ...owner })).id).toBe(mine.id)
    await ai.close()
  })

  it('never creates a conversation when loading an id that does not exist; create: true does', async () => {
    const { ai } = await setup()
    await expect(ai.conversation({ id: 'c1' })).rejects.toMatchObject({
      code: 'not-found',
      message: "There is no conversation 'c1'. To create one with this id, pass `create: true`.",
    })
    expect(await ai.store.conversations.getConversation('c1')).toBeUndefined()
    const created = await ai.conversation({
      id: 'c1',
      create: true,
      userId: 'u1',
      title: 'New',
      system: 'sys',
    })
    expect(await created.record()).toMatchObject({ id: 'c1', userId: 'u1', title: 'New', messageCount: 1 })
    expect((await ai.conversation({ id: 'c1', userId: 'u1' })).id).toBe('c1')
    // Creating an id that is taken fails, and leaves the stored one alone.
    await expect(ai.conversation({ id: 'c1', create: true })).rejects.toMatchObject({ code: 'store' })
    expect((await created.record()).title).toBe('New')
    await ai.close()
  })

  it('refuses creation fields when loading, naming them', async () => {
    const { ai } = await setup()
    const chat = await ai.conversation({ title: 'kept' })
    const error = await ai.conversation({ id: chat.id, title: 'ignored?', system: 'x' }).catch((e) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect(error.message).toMatch(/title: is set only when a conversation is created/)
    expect(error.message).toMatch(/system: /)
    expect((await chat.record()).title).toBe('kept')
    await ai.close()
  })

  it('keeps what was said when the caller stops the stream, or aborts it, marked partial', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    mock.enqueue(
      { chunks: ['one ', 'two ', 'three'], chunkDelayMs: 20 },
      { chunks: ['four ', 'five ', 'six'], chunkDelayMs: 20 },
    )
    for await (const part of chat.stream('count'))
      if (part.type === 'text-delta' && part.text === 'two ') break
    const controller = new AbortController()
    const stream = chat.stream('again', { signal: controller.signal })
    const reading = (async () => {
      for await (const part of stream)
        if (part.type === 'text-delta' && part.text === 'five ') controller.abort()
    })()
    await expect(reading).rejects.toMatchObject({ code: 'aborted' })
    const stored = await chat.messages()
    expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
      ['user', 'complete', [{ type: 'text', text: 'count' }]],
      ['assistant', 'partial', [{ type: 'text', text: 'one two ' }]],
      ['user', 'complete', [{ type: 'text', text: 'again' }]],
      ['assistant', 'partial', [{ type: 'text', text: 'four five ' }]],
    ])
    await ai.close()
  })

  it('runs turns one at a time, in the order they were sent', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    mock.enqueue({ text: 'A', delayMs: 40 }, { text: 'B' })
    await Promise.all([chat.send('first'), chat.send('second')])
    expect((await chat.messages()).map((m) => textOf(m.content))).toEqual(['first', 'A', 'second', 'B'])
    expect(mock.calls[1]?.request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    await ai.close()
  })

  it('leaves tool calls nobody answered out of the next request', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    mock.enqueue({ text: 'Let me look.', toolCalls: [{ id: 'x', name: 'lookup', args: {} }] }, { text: 'ok' })
    const res = await chat.send('find it', { tools: [{ name: 'lookup', parameters: { type: 'object' } }] })
    expect(res.toolCalls).toHaveLength(1)
    await chat.send('never mind')
    expect(mock.calls[1]?.request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'find it' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }] },
      { role: 'user', content: 'never mind' },
    ])
    await ai.close()
  })

  it('stores a reply that fails its schema, with its cost', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    mock.enqueue({ text: 'not json', usage: { inputTokens: 10, outputTokens: 5 } })
    await expect(chat.send('json please', { schema: z.object({ a: z.number() }) })).rejects.toMatchObject({
      code: 'structured-output',
    })
    const stored = await chat.messages()
    expect(stored[1]).toMatchObject({ role: 'assistant', status: 'complete', costNanoUsd: 15_000 })
    expect((await chat.record()).totalCostNanoUsd).toBe(15_000)
    await ai.close()
  })

  it('checks stream options at once and refuses turns after close', async () => {
    const { mock, ai } = await setup()
    const chat = await ai.conversation({})
    expect(() => chat.stream('hi', { temperature: 9 })).toThrow(/temperature/)
    expect(await chat.messages()).toEqual([])
    await ai.close()
    await expect(chat.send('hi')).rejects.toMatchObject({ code: 'closed' })
    expect(mock.calls).toHaveLength(0)
  })
})
