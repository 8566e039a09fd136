import { describe, expect, it } from 'vitest'
import { normalizeUsage } from '../cost/usage.js'
import { AbortedError, ConnectionError, StreamInterruptedError } from '../errors/errors.js'
import type { ProviderStreamPart } from '../spec/provider.js'
import type { StreamPart } from '../spec/result.js'
import { relayStream } from './relay-parts.js'

const source = { provider: 'cut', model: 'x' }
const key = 'sk-abcdefghijklmnopqrstuvwxyz123456'

/** A stream that yields `parts`, then throws `error` (or just ends without it). */
async function* adapterStream(parts: ProviderStreamPart[], error?: unknown) {
  yield* parts
  if (error !== undefined) throw error
}

/** Relays a stream to its end; what reached the caller and the error it ended with. */
async function relay(stream: AsyncIterable<ProviderStreamPart>) {
  const parts: StreamPart[] = []
  let firstParts = 0
  const run = relayStream(stream, source, () => firstParts++)
  try {
    for (;;) {
      const next = await run.next()
      if (next.done) return { parts, firstParts, error: undefined }
      parts.push(next.value)
    }
  } catch (error) {
    return { parts, firstParts, error }
  }
}

describe('relayStream', () => {
  it('makes a failure after a part reached the caller a StreamInterruptedError, keeping the typed cause', async () => {
    const cause = new ConnectionError(`socket hang up (key ${key})`, { provider: 'cut', model: 'x' })
    const { parts, error } = await relay(adapterStream([{ type: 'text-delta', text: 'The answer' }], cause))
    expect(parts).toEqual([{ type: 'text-delta', text: 'The answer' }])
    expect(StreamInterruptedError.is(error)).toBe(true)
    if (!StreamInterruptedError.is(error)) return
    expect(error).toMatchObject({ retryable: false, partialText: 'The answer', provider: 'cut', model: 'x' })
    expect(error.cause).toBe(cause)
    expect(error.message).not.toContain(key)
  })

  it('types a foreign error after the first part before it becomes the cause', async () => {
    const { error } = await relay(adapterStream([{ type: 'text-delta', text: 'Hi' }], new Error('reset')))
    expect(StreamInterruptedError.is(error)).toBe(true)
    expect((error as StreamInterruptedError).cause).toMatchObject({ code: 'provider', provider: 'cut' })
  })

  it('makes a stream that ends without its finish part after a part a StreamInterruptedError', async () => {
    const { error } = await relay(adapterStream([{ type: 'text-delta', text: 'The answer is' }]))
    expect(StreamInterruptedError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: false, partialText: 'The answer is' })
    expect(ConnectionError.is((error as StreamInterruptedError).cause)).toBe(true)
  })

  it('makes a stream that ends without its finish part before any part a retryable ConnectionError', async () => {
    const { parts, firstParts, error } = await relay(
      adapterStream([{ type: 'usage', usage: normalizeUsage({ inputTokens: 1 }) }]),
    )
    expect(parts).toEqual([])
    expect(firstParts).toBe(0)
    expect(StreamInterruptedError.is(error)).toBe(false)
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, provider: 'cut', model: 'x' })
  })

  it('passes an error before any part reached the caller on as it is', async () => {
    const cause = new ConnectionError('refused', { provider: 'cut' })
    const { error } = await relay(adapterStream([], cause))
    expect(error).toBe(cause)
  })

  it('keeps an abort an abort, whenever it comes', async () => {
    const aborted = new AbortedError('stop')
    const { error } = await relay(adapterStream([{ type: 'text-delta', text: 'a' }], aborted))
    expect(error).toBe(aborted)
  })

  it('returns the assembled result of a finished stream', async () => {
    const { error, parts } = await relay(
      adapterStream([
        { type: 'text-delta', text: 'ok' },
        { type: 'finish', finishReason: 'stop' },
      ]),
    )
    expect(error).toBeUndefined()
    expect(parts).toEqual([{ type: 'text-delta', text: 'ok' }])
  })
})
