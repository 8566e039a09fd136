import type { InFlight } from '../call/in-flight.js'
import { ClosedError, StoreError } from '../errors/errors.js'
import type { SharedState } from '../store/shared-state.js'

/** How long `ai.close()` waits for calls and background work unless told otherwise. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 30_000

/**
 * How long calls aborted at close's deadline get to end (and queue their usage records), and then
 * those records to be written: aborted calls end at once unless their adapter ignores its signal.
 */
const AFTER_ABORT_MS = 1_000

/**
 * Waits up to `timeoutMs` for the calls in flight to end and background work to settle. What is
 * still running then is aborted with a ClosedError: calls waiting on a server, streams whose
 * caller stopped reading. Resolves within `timeoutMs` plus at most twice AFTER_ABORT_MS, whatever
 * the calls, adapters and sinks do.
 */
export async function stopCalls(
  inFlight: InFlight,
  flush: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const drained = (async () => {
    await inFlight.idle()
    await flush()
  })()
  if (await settlesWithin(drained, timeoutMs)) return
  inFlight.abortAll(
    new ClosedError(`This aimux instance closed: the call was still running ${timeoutMs} ms after close().`),
  )
  await settlesWithin(inFlight.idle(), AFTER_ABORT_MS)
  await settlesWithin(flush(), AFTER_ABORT_MS)
}

/** Whether `promise` settles within `ms`; the timer is cleared either way. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([promise.then(settled, settled), late])
  } finally {
    clearTimeout(timer)
  }
}

const settled = () => true

/**
 * Closes the shared state a plugin registered, once every plugin was disposed (a plugin may still
 * use it while it disposes); its failure is returned as a StoreError naming it, never thrown.
 */
export async function closeSharedState(state: SharedState | undefined): Promise<StoreError | undefined> {
  try {
    await state?.close?.()
    return undefined
  } catch (error) {
    return new StoreError(`The shared state '${state?.name}' failed to close: ${String(error)}`, {
      cause: error,
    })
  }
}
