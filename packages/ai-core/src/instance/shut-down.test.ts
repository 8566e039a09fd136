import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AimuxError, ClosedError } from '../errors/errors.js'
import { defineProvider } from '../spec/provider.js'
import { createAI } from './create-ai.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
/** Longer than any test runs: an answer this late never comes unless something aborts the wait. */
const forever = 10 * 60_000

afterEach(() => {
  vi.useRealTimers()
})

describe('ai.close({ timeoutMs })', () => {
  it('aborts a call still waiting on a silent server at its deadline, then closes', async () => {
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m' })
    mock.enqueue({ text: 'never', delayMs: forever })
    const order: string[] = []
    const call = ai.chat({ messages, requestId: 'r1' }).catch((error: unknown) => {
      order.push('call failed')
      return error
    })
    await vi.waitFor(() => expect(mock.calls).toHaveLength(1))
    await ai.close({ timeoutMs: 20 })
    order.push('closed')
    expect(order).toEqual(['call failed', 'closed'])
    expect(AimuxError.is(await call)).toBe(true)
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(true)
    expect(ClosedError.is(mock.calls[0]!.ctx.signal.reason)).toBe(true)
    expect(await ai.usage.get('r1')).toMatchObject({ success: false })
  })

  it('resolves even when the adapter ignores its abort signal and never answers', async () => {
    const deaf = defineProvider({
      id: 'deaf',
      generate: () => new Promise(() => {}),
      async *stream() {
        await new Promise(() => {})
      },
    })
    const ai = await createAI({
      plugins: [{ name: 'deaf', setup: (host) => host.registerProvider(deaf) }],
      defaultModel: 'deaf:m',
    })
    const call = ai.chat({ messages }).catch(() => 'failed')
    const stream = ai.stream({ messages })[Symbol.asyncIterator]()
    const part = stream.next().catch(() => 'failed')
    await ai.close({ timeoutMs: 20 })
    // Nothing more to assert on time: the test would hang here if close() waited for them.
    void call
    void part
  })

  it('ends a stream whose caller stopped reading: its usage is recorded and its next part is the ClosedError', async () => {
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m' })
    mock.enqueue({ chunks: ['a', 'b', 'c'] })
    const stream = ai.stream({ messages, requestId: 'r1' })
    const reader = stream[Symbol.asyncIterator]()
    expect((await reader.next()).value).toEqual({ type: 'text-delta', text: 'a' })
    // The caller neither reads on nor leaves its loop.
    await ai.close({ timeoutMs: 20 })
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(true)
    expect(await ai.usage.get('r1')).toMatchObject({ success: false, errorCode: 'aborted' })
    await expect(reader.next()).rejects.toThrow(ClosedError)
    await expect(stream.result).rejects.toThrow(ClosedError)
  })

  it('ends a conversation stream whose caller stopped reading, as it ends a plain one', async () => {
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m' })
    mock.enqueue({ chunks: ['a', 'b', 'c'] })
    const chat = await ai.conversation()
    const reader = chat.stream('Hi')[Symbol.asyncIterator]()
    expect((await reader.next()).value).toEqual({ type: 'text-delta', text: 'a' })
    await ai.close({ timeoutMs: 20 })
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(true)
    await expect(reader.next()).rejects.toThrow(ClosedError)
  })

  it('waits up to 30 s by default before it aborts anything', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m' })
    mock.enqueue({ text: 'late', delayMs: 40_000 })
    const call = ai.chat({ messages, timeout: { totalMs: false, attemptMs: false } }).catch((e: unknown) => e)
    await vi.waitFor(() => expect(mock.calls).toHaveLength(1))
    let closed = false
    const closing = ai.close().then(() => {
      closed = true
    })
    await vi.advanceTimersByTimeAsync(29_999)
    expect(closed).toBe(false)
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await vi.advanceTimersByTimeAsync(2_000)
    await closing
    expect(ClosedError.is(mock.calls[0]!.ctx.signal.reason)).toBe(true)
    expect(AimuxError.is(await call)).toBe(true)
  })

  it('lets calls that end in time end as they would', async () => {
    const mock = mockProvider()
    const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m' })
    mock.enqueue({ text: 'in time', delayMs: 20 })
    const call = ai.chat({ messages })
    await vi.waitFor(() => expect(mock.calls).toHaveLength(1))
    await ai.close({ timeoutMs: 60_000 })
    expect((await call).text).toBe('in time')
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(false)
  })

  it('checks its options, naming the field', async () => {
    const ai = await createAI({ plugins: [mockProvider()], defaultModel: 'mock:m' })
    await expect(ai.close({ timeoutMs: -1 })).rejects.toThrow('timeoutMs')
    await ai.close({ timeoutMs: 0 })
  })
})
