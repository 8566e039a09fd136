import { TimeoutError } from '../errors/errors.js'
import type { ProviderStreamPart } from '../spec/provider.js'

/**
 * Passes a stream on, waiting at most `idleMs` for each part. When a part is late, `controller`
 * is aborted (which aborts the attempt's HTTP request) and the stream ends with a retryable
 * TimeoutError naming the provider and model. The source is then left to wind down on its own:
 * one that ignores its abort signal cannot hold the caller.
 *
 * One timer serves the whole stream, restarted for each part waited for (it does nothing when it
 * fires while the caller holds a part), and each part is handed on in the step that reads it.
 */
export function watchIdle(
  stream: AsyncIterable<ProviderStreamPart>,
  idleMs: number,
  controller: AbortController,
  source: { provider: string; model: string },
): AsyncIterableIterator<ProviderStreamPart> {
  const iterator = stream[Symbol.asyncIterator]()
  // Rejects the part being waited for; unset while the caller holds a part.
  let waiting: ((error: TimeoutError) => void) | undefined
  let stalled = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = () => {
    if (!waiting) return
    stalled = true
    const error = new TimeoutError(
      `${source.provider}:${source.model} sent nothing for ${idleMs} ms in the middle of a stream`,
      { ...source },
    )
    controller.abort(error)
    waiting(error)
    waiting = undefined
    void Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => {})
  }
  const stop = () => {
    waiting = undefined
    clearTimeout(timer)
  }
  return {
    [Symbol.asyncIterator]() {
      return this
    },
    next() {
      if (stalled) return Promise.resolve({ done: true, value: undefined })
      return new Promise((resolve, reject) => {
        waiting = reject
        if (timer === undefined) timer = setTimeout(late, idleMs)
        else timer.refresh()
        iterator.next().then(
          (next) => {
            if (next.done) stop()
            else waiting = undefined
            resolve(next)
          },
          (error: unknown) => {
            stop()
            reject(error)
          },
        )
      })
    },
    async return() {
      stop()
      if (!stalled) await iterator.return?.()
      return { done: true, value: undefined }
    },
  }
}
