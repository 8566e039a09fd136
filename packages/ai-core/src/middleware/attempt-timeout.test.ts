import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { TimeoutError } from '../errors/errors.js'
import { newContext } from '../spec/call-context.js'
import { defineProvider } from '../spec/provider.js'
import { attemptTimeoutMiddleware } from './attempt-timeout.js'
import type { ChatModelCall, ModelCall, ModelResponse } from './middleware.js'

const forever = 10 * 60_000
const emptyResult = { text: '', toolCalls: [], finishReason: 'stop' } as unknown as Extract<
  ModelResponse,
  { mode: 'generate' }
>['result']

const unused = () => {
  throw new Error('the middleware does not call the provider itself')
}

function attempt(mode: 'generate' | 'stream', attemptTimeoutMs: number) {
  const caller = new AbortController()
  const ctx = { ...newContext('r1', caller.signal), policy: { retry: false as const, attemptTimeoutMs } }
  const call: ChatModelCall = {
    provider: defineProvider({ id: 'mock', generate: unused, stream: unused }),
    request: { model: 'm', messages: [] },
    ctx,
    mode,
  }
  return { caller, call }
}

/** An attempt that waits for its signal to abort, and records the signal it was given. */
function waitingForAbort(seen: AbortSignal[]) {
  return (next?: ModelCall) =>
    new Promise<ModelResponse>((_, reject) => {
      const signal = next!.ctx.signal
      seen.push(signal)
      if (signal.aborted) reject(signal.reason)
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
}

describe('attemptTimeoutMiddleware', () => {
  it("aborts the attempt's signal with the caller's reason when the caller aborts", async () => {
    const { caller, call } = attempt('generate', forever)
    const seen: AbortSignal[] = []
    const running = attemptTimeoutMiddleware()(call, waitingForAbort(seen))
    const reason = new Error('caller left')
    caller.abort(reason)
    await expect(running).rejects.toBe(reason)
    expect(seen[0]!.reason).toBe(reason)
  })

  it('gives an attempt of a call already aborted a signal already aborted', async () => {
    const { caller, call } = attempt('generate', forever)
    const reason = new Error('gone before')
    caller.abort(reason)
    const seen: AbortSignal[] = []
    await expect(attemptTimeoutMiddleware()(call, waitingForAbort(seen))).rejects.toBe(reason)
    expect(seen[0]!.aborted).toBe(true)
  })

  it('throws a retryable TimeoutError naming the model when the attempt outlasts its timeout', async () => {
    const { caller, call } = attempt('generate', 20)
    const seen: AbortSignal[] = []
    const error = await attemptTimeoutMiddleware()(call, waitingForAbort(seen)).catch((e: unknown) => e)
    expect(TimeoutError.is(error)).toBe(true)
    expect(error).toMatchObject({ message: 'mock:m did not answer within 20 ms', retryable: true })
    expect(caller.signal.aborted).toBe(false)
  })

  it("leaves no listener on the call's signal once an attempt that is not a stream ends", async () => {
    const { call } = attempt('generate', forever)
    const middleware = attemptTimeoutMiddleware()
    for (let i = 0; i < 3; i++) {
      await middleware(call, async () => ({ mode: 'generate', result: emptyResult }))
    }
    await middleware(call, async () => {
      throw new Error('refused')
    }).catch(() => {})
    expect(getEventListeners(call.ctx.signal, 'abort')).toHaveLength(0)
  })

  it("keeps a stream's signal following the call's after the attempt has returned the stream, with no listener of its own on the call's signal", async () => {
    const { caller, call } = attempt('stream', forever)
    let signal: AbortSignal | undefined
    const response = await attemptTimeoutMiddleware()(call, async (next) => {
      signal = next!.ctx.signal
      return { mode: 'stream', stream: (async function* () {})() }
    })
    expect(response.mode).toBe('stream')
    // Nothing on the call's signal outlives the attempt, however long its stream lives.
    expect(getEventListeners(call.ctx.signal, 'abort')).toHaveLength(0)
    expect(signal!.aborted).toBe(false)
    const reason = new Error('caller left the stream')
    caller.abort(reason)
    expect(signal!.reason).toBe(reason)
  })
})
