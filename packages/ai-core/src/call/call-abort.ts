import { TimeoutError } from '../errors/errors.js'
import { markCannotAbort } from '../spec/call-context.js'

/** The one signal of a request: the caller's signal, its total timeout, or leaving a stream early. */
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
}

export function createCallAbort(input: {
  requestId: string
  mode: 'generate' | 'stream'
  signal: AbortSignal | undefined
  totalTimeoutMs: number | undefined
}): CallAbort {
  const { requestId, signal, totalTimeoutMs } = input
  const controller = new AbortController()
  // Only a caller's signal, a total timeout or a stream left early abort a call; without them
  // adapters may leave the signal out of their SDK call (see sdkSignal).
  if (input.mode === 'generate' && !signal && totalTimeoutMs === undefined) markCannotAbort(controller.signal)
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
  return {
    signal: controller.signal,
    deadline,
    abort: (reason) => controller.abort(reason),
    timedOut: () => controller.signal.aborted && TimeoutError.is(controller.signal.reason),
    release() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onCallerAbort)
    },
  }
}
