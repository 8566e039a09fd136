import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost/usage.js'
import { StreamInterruptedError, TimeoutError } from '../errors/errors.js'
import { type AI, type CreateAIOptions, createAI } from '../instance/create-ai.js'
import { defaultTimeouts, withDefaultTimeouts } from '../spec/policy.js'
import { defineProvider } from '../spec/provider.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
/** Longer than any test runs: a part this late never comes unless a timeout cuts the wait. */
const forever = 10 * 60_000
const open: AI[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((ai) => ai.close()))
})

async function setup(timeout?: CreateAIOptions['timeout']) {
  const mock = mockProvider()
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:m', timeout })
  open.push(ai)
  return { mock, ai }
}

async function readAll(stream: AsyncIterable<{ type: string; text?: string }>) {
  const texts: string[] = []
  try {
    for await (const part of stream) if (part.type === 'text-delta') texts.push(part.text!)
    return { texts, error: undefined }
  } catch (error) {
    return { texts, error }
  }
}

describe('timeout.idleMs', () => {
  it('ends a stream that stalls after its first part: the core makes the TimeoutError a StreamInterruptedError', async () => {
    const { mock, ai } = await setup({ idleMs: 50 })
    mock.enqueue({ chunks: ['Hel', 'lo'], chunkDelayMs: forever })
    const { texts, error } = await readAll(ai.stream({ messages }))
    expect(texts).toEqual(['Hel'])
    expect(StreamInterruptedError.is(error)).toBe(true)
    expect(error).toMatchObject({ partialText: 'Hel', retryable: false, provider: 'mock', model: 'm' })
    const cause = (error as Error).cause
    expect(TimeoutError.is(cause)).toBe(true)
    expect((cause as Error).message).toBe('mock:m sent nothing for 50 ms in the middle of a stream')
    // The stalled attempt's HTTP request is aborted, and the stream is not retried.
    expect(mock.calls).toHaveLength(1)
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(true)
  })

  it('lets a stream whose parts keep coming finish, however long it takes in all', async () => {
    const { mock, ai } = await setup({ idleMs: 2_000 })
    mock.enqueue({ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 5 })
    const { texts, error } = await readAll(ai.stream({ messages }))
    expect(error).toBeUndefined()
    expect(texts).toEqual(['a', 'b', 'c', 'd'])
  })

  it('does not count the time the caller holds a part: a caller slower than idleMs reads it all', async () => {
    const { mock, ai } = await setup({ idleMs: 300 })
    mock.enqueue({ chunks: ['a', 'b', 'c'] })
    const texts: string[] = []
    for await (const part of ai.stream({ messages })) {
      if (part.type !== 'text-delta') continue
      texts.push(part.text)
      // Held for more than three times idleMs: the idle timer fires meanwhile, and must not count.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    expect(texts).toEqual(['a', 'b', 'c'])
    expect(mock.calls[0]!.ctx.signal.aborted).toBe(false)
  })

  it('is turned off by false or 0, on the instance or the request', async () => {
    const { mock, ai } = await setup({ idleMs: false })
    mock.enqueue({ chunks: ['a', 'b'], chunkDelayMs: 20 }, { chunks: ['c', 'd'], chunkDelayMs: 20 })
    expect(await readAll(ai.stream({ messages, timeout: { idleMs: 1 } }))).toMatchObject({ texts: ['a'] })
    expect(mock.calls[0]!.ctx.policy).toMatchObject({ idleTimeoutMs: 1 })
    expect(await readAll(ai.stream({ messages }))).toEqual({ texts: ['c', 'd'], error: undefined })
    expect(mock.calls[1]!.ctx.policy).toMatchObject({ idleTimeoutMs: 0 })
    const withIdle = await setup({ idleMs: 1 })
    withIdle.mock.enqueue({ chunks: ['e', 'f'], chunkDelayMs: 20 })
    const read = await readAll(withIdle.ai.stream({ messages, timeout: { idleMs: 0 } }))
    expect(read).toEqual({ texts: ['e', 'f'], error: undefined })
  })

  it('aborts the HTTP request of a stream whose server stops sending, so the server sees it closed', async () => {
    let closed!: () => void
    const requestClosed = new Promise<void>((resolve) => {
      closed = resolve
    })
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first\n') // then nothing, ever
      req.on('close', closed)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const lines = defineProvider({
      id: 'lines',
      generate: async () => {
        throw new Error('streams only')
      },
      async *stream(_, ctx) {
        const response = await fetch(url, { signal: ctx.signal })
        const decoder = new TextDecoder()
        for await (const chunk of response.body!) yield { type: 'text-delta', text: decoder.decode(chunk) }
        yield { type: 'usage', usage: emptyUsage() }
        yield { type: 'finish', finishReason: 'stop' }
      },
    })
    const ai = await createAI({
      plugins: [{ name: 'lines', setup: (host) => host.registerProvider(lines) }],
      defaultModel: 'lines:m',
      timeout: { idleMs: 50 },
    })
    open.push(ai)
    try {
      const { texts, error } = await readAll(ai.stream({ messages }))
      expect(texts).toEqual(['first\n'])
      expect(TimeoutError.is((error as Error).cause)).toBe(true)
      await requestClosed
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('default timeouts', () => {
  it('are 5 minutes per attempt, 60 s of stream silence and 10 minutes in all', () => {
    expect(defaultTimeouts).toEqual({ attemptMs: 300_000, idleMs: 60_000, totalMs: 600_000 })
    expect(withDefaultTimeouts({ idleMs: 0, totalMs: 1_000 })).toEqual({
      attemptMs: 300_000,
      idleMs: 0,
      totalMs: 1_000,
    })
  })

  it('apply to a call that sets none, and each is overridden or turned off by the request', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'a' }, { text: 'b' })
    const before = Date.now()
    await ai.chat({ messages })
    const first = mock.calls[0]!.ctx
    expect(first.policy).toMatchObject({ attemptTimeoutMs: 300_000, idleTimeoutMs: 60_000 })
    expect(first.deadline).toBeGreaterThanOrEqual(before + 600_000)
    await ai.chat({ messages, timeout: { attemptMs: false, totalMs: 0, idleMs: 5_000 } })
    const second = mock.calls[1]!.ctx
    expect(second.policy).toMatchObject({ attemptTimeoutMs: 0, idleTimeoutMs: 5_000 })
    expect(second.deadline).toBeUndefined()
  })

  it('are validated: a negative or fractional timeout names the field', async () => {
    await expect(createAI({ timeout: { idleMs: -1 } })).rejects.toThrow('timeout.idleMs')
    const ai = await createAI({ plugins: [mockProvider()], defaultModel: 'mock:m' })
    open.push(ai)
    await expect(ai.chat({ messages, timeout: { attemptMs: 1.5 } })).rejects.toThrow('timeout.attemptMs')
  })
})
