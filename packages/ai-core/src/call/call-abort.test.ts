import { afterEach, describe, expect, it, vi } from 'vitest'
import { AbortedError, TimeoutError } from '../errors/errors.js'
import { sdkSignal } from '../spec/call-context.js'
import { createCallAbort } from './call-abort.js'

const base = { requestId: 'r1', mode: 'generate' as const, signal: undefined, totalTimeoutMs: undefined }

describe('createCallAbort', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('follows the caller signal, already aborted or later, with its reason', () => {
    const early = new AbortController()
    early.abort('stop')
    expect(createCallAbort({ ...base, signal: early.signal }).signal.reason).toBe('stop')

    const late = new AbortController()
    const call = createCallAbort({ ...base, signal: late.signal })
    expect(call.signal.aborted).toBe(false)
    late.abort('later')
    expect(call.signal.reason).toBe('later')
    expect(call.timedOut()).toBe(false)
  })

  it('stops following the caller once released', () => {
    const caller = new AbortController()
    const call = createCallAbort({ ...base, signal: caller.signal })
    call.release()
    caller.abort()
    expect(call.signal.aborted).toBe(false)
  })

  it('ends the call with a TimeoutError at its total timeout, unless released first', () => {
    vi.useFakeTimers({ now: 1_000 })
    const call = createCallAbort({ ...base, totalTimeoutMs: 500 })
    expect(call.deadline).toBe(1_500)
    vi.advanceTimersByTime(499)
    expect(call.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(TimeoutError.is(call.signal.reason)).toBe(true)
    expect(call.timedOut()).toBe(true)

    const released = createCallAbort({ ...base, totalTimeoutMs: 500 })
    released.release()
    vi.advanceTimersByTime(1_000)
    expect(released.signal.aborted).toBe(false)
  })

  it('never marks the signal as one nothing aborts: ai.close() can abort every call', () => {
    const given = (input: Partial<Parameters<typeof createCallAbort>[0]>) => {
      const call = createCallAbort({ ...base, ...input })
      call.release()
      return sdkSignal(call) !== undefined
    }
    expect(given({})).toBe(true)
    expect(given({ mode: 'stream' })).toBe(true)
    expect(given({ totalTimeoutMs: 60_000 })).toBe(true)
    expect(given({ signal: new AbortController().signal })).toBe(true)
  })

  it('sets no timer and no deadline for a total timeout of 0 (off)', () => {
    vi.useFakeTimers({ now: 1_000 })
    const call = createCallAbort({ ...base, totalTimeoutMs: 0 })
    expect(call.deadline).toBeUndefined()
    vi.advanceTimersByTime(1_000_000)
    expect(call.signal.aborted).toBe(false)
    call.release()
  })

  it('runs its release listeners once it is released, or at once when it already is', () => {
    const call = createCallAbort(base)
    const heard: string[] = []
    call.onRelease(() => heard.push('before'))
    expect(heard).toEqual([])
    call.release()
    call.onRelease(() => heard.push('after'))
    expect(heard).toEqual(['before', 'after'])
  })

  it('aborts with the given reason, which is not a timeout', () => {
    const call = createCallAbort({ ...base, mode: 'stream' })
    call.abort(new AbortedError('left early'))
    expect(AbortedError.is(call.signal.reason)).toBe(true)
    expect(call.timedOut()).toBe(false)
  })
})
