import { AbortedError, ConfigError } from '../errors/errors.js'
import type { DeepPartial } from '../spec/deep-partial.js'
import type { ChatResult, StreamPart } from '../spec/result.js'
import type { InFlight } from './in-flight.js'

/**
 * What ai.stream() returns: iterate it for parts as they arrive, or await `result` for the
 * aggregated result (awaiting it without iterating consumes the stream in the background).
 * Leaving a `for await` early aborts the HTTP request.
 */
export interface AIStream<T = unknown> extends AsyncIterable<StreamPart<T>> {
  readonly result: Promise<ChatResult<T>>
  /** Only the text deltas. */
  readonly textStream: AsyncIterable<string>
  /** With `schema`: only the partial objects of the 'object-delta' parts, growing as the JSON arrives. */
  readonly objectStream: AsyncIterable<DeepPartial<T>>
}

/**
 * `inFlight`: where `ai.close()` finds streams still open at its deadline. A stream it aborts ends
 * its run at once (the request is aborted and its usage recorded), even one whose caller stopped
 * reading without leaving the loop; its `result` rejects with the reason, and so does its next part.
 */
export function createAIStream<T>(
  run: AsyncGenerator<StreamPart, ChatResult>,
  inFlight?: InFlight,
): AIStream<T> {
  let resolve!: (result: ChatResult<T>) => void
  let reject!: (error: unknown) => void
  const result = new Promise<ChatResult<T>>((res, rej) => {
    resolve = res
    reject = rej
  })
  // The caller may iterate and never look at `result`: its rejection must not go unhandled.
  result.catch(() => {})
  let consumed = false

  async function* parts(): AsyncGenerator<StreamPart<T>> {
    if (consumed) throw new ConfigError('This stream has already been consumed; a stream can be read once.')
    consumed = true
    let settled = false
    let aborted: { reason: unknown } | undefined
    const release = inFlight?.hold({
      abort(reason) {
        aborted = { reason }
        if (!settled) reject(reason)
        settled = true
        run.return(undefined as never).catch(() => {})
      },
    })
    try {
      for (;;) {
        const next = await run.next()
        if (aborted) throw aborted.reason
        if (next.done) {
          settled = true
          resolve(next.value as ChatResult<T>)
          return
        }
        if (next.value.type === 'finish') {
          // The result is complete: settle it before the caller sees 'finish' and maybe stops.
          const end = await run.next()
          if (end.done) {
            settled = true
            resolve(end.value as ChatResult<T>)
          }
        }
        yield next.value as StreamPart<T>
      }
    } catch (error) {
      settled = true
      reject(error)
      throw error
    } finally {
      release?.()
      if (!settled) {
        await run.return(undefined as never)
        reject(new AbortedError('The stream was closed before it finished.'))
      }
    }
  }

  return {
    [Symbol.asyncIterator]: parts,
    get result() {
      if (!consumed) {
        ;(async () => {
          for await (const _ of parts());
        })().catch(() => {})
      }
      return result
    },
    get textStream() {
      return (async function* () {
        for await (const part of parts()) if (part.type === 'text-delta') yield part.text
      })()
    },
    get objectStream() {
      return (async function* () {
        for await (const part of parts()) if (part.type === 'object-delta') yield part.object
      })()
    },
  }
}
