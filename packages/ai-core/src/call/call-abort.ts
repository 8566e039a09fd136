import { TimeoutError } from '../errors/errors.js'

/**
 * The one signal of a request: the caller's signal, its total timeout, leaving a stream early, or
 * `ai.close()` reaching its deadline.
 */
export interface CallAbort {
  signal: AbortSignal
  /** Epoch milliseconds at which the total timeout fires, when one is set. */
  deadline: number | undefined
  /** Aborts the call, e.g. when the caller leaves a stream before its end. */
  abort(reason: unknown): void
  /** Whether the call was ended by its total timeout, whatever the abort looked like further in. */
  timedOut(): boolean
  /** Stops the timer and the listener on the caller's signal; call it once the request is over. */
  release(): void
  /** Runs `listener` once the call is released (at once when it already is). */
  onRelease(listener: () => void): void
}

export function createCallAbort(input: {
  requestId: string
  /** Which kind of call this is; either kind can be aborted. */
  mode: 'generate' | 'stream'
  signal: AbortSignal | undefined
  /** The total timeout; undefined or 0 for none. */
  totalTimeoutMs: number | undefined
}): CallAbort {
  const { requestId, signal } = input
  const totalTimeoutMs = input.totalTimeoutMs || undefined
  // Every call's signal can be aborted: ai.close() aborts what is still running at its deadline.
  const controller = new AbortController()
  const onCallerAbort = () => controller.abort(signal?.reason)
  if (signal?.aborted) onCallerAbort()
  signal?.addEventListener('abort', onCallerAbort, { once: true })
  const deadline = totalTimeoutMs === undefined ? undefined : Date.now() + totalTimeoutMs
  const timer =
    totalTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          const reason = `The request did not finish within its total timeout of ${totalTimeoutMs} ms.`
          controller.abort(new TimeoutError(reason, { requestId, retryable: false }))
        }, totalTimeoutMs)
  let released = false
  const listeners: (() => void)[] = []
  return {
    signal: controller.signal,
    deadline,
    abort: (reason) => controller.abort(reason),
    timedOut: () => controller.signal.aborted && TimeoutError.is(controller.signal.reason),
    release() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onCallerAbort)
      released = true
      for (const listener of listeners.splice(0)) listener()
    },
    onRelease(listener) {
      if (released) listener()
      else listeners.push(listener)
    },
  }
}
