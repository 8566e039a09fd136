import { TimeoutError } from '../errors/errors.js'
import type { ProviderStreamPart } from '../spec/provider.js'

/**
 * Passes a stream on, waiting at most `idleMs` for each part. When a part is late, `controller`
 * is aborted (which aborts the attempt's HTTP request) and the stream ends with a retryable
 * TimeoutError naming the provider and model. The source is then left to wind down on its own:
 * one that ignores its abort signal cannot hold the caller.
 */
export async function* watchIdle(
  stream: AsyncIterable<ProviderStreamPart>,
  idleMs: number,
  controller: AbortController,
  source: { provider: string; model: string },
): AsyncGenerator<ProviderStreamPart> {
  const iterator = stream[Symbol.asyncIterator]()
  let stalled = false
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stalled = true
          const error = new TimeoutError(
            `${source.provider}:${source.model} sent nothing for ${idleMs} ms in the middle of a stream`,
            { ...source },
          )
          controller.abort(error)
          reject(error)
        }, idleMs)
      })
      let next: IteratorResult<ProviderStreamPart>
      try {
        next = await Promise.race([iterator.next(), late])
      } finally {
        clearTimeout(timer)
      }
      if (next.done) return
      yield next.value
    }
  } finally {
    if (stalled) iterator.return?.()?.catch(() => {})
    else await iterator.return?.()
  }
}
