import { AbortedError } from '../errors/errors.js'

/** Waits `ms`, or rejects at once with the signal's reason (an AbortedError by default) when it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = () => reject(signal.reason ?? new AbortedError('The call was aborted.'))
    if (signal.aborted) return fail()
    const onAbort = () => {
      clearTimeout(timer)
      fail()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
