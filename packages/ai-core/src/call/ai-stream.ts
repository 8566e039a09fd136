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
  let settled = false

  /**
   * The stream's parts, as `run` yields them. Not a generator: a part reaches the caller in the
   * same step that reads it from `run`. The first `next()` claims the stream.
   */
  function parts(): AsyncIterableIterator<StreamPart<T>> {
    let started = false
    let finished = false
    let release: (() => void) | undefined
    let aborted: { reason: unknown } | undefined
    const done: IteratorResult<StreamPart<T>> = { done: true, value: undefined }
    const settle = (value: ChatResult) => {
      settled = true
      resolve(value as ChatResult<T>)
    }
    const finish = () => {
      finished = true
      release?.()
    }
    const fail = (error: unknown): never => {
      settled = true
      reject(error)
      finish()
      throw error
    }
    const take = (
      next: IteratorResult<StreamPart, ChatResult>,
    ): IteratorResult<StreamPart<T>> | Promise<IteratorResult<StreamPart<T>>> => {
      if (aborted) return fail(aborted.reason)
      if (next.done) {
        settle(next.value)
        finish()
        return done
      }
      const part = next.value as StreamPart<T>
      if (part.type !== 'finish') return { done: false, value: part }
      // The result is complete: settle it before the caller sees 'finish' and maybe stops.
      return run.next().then((end) => {
        if (end.done) settle(end.value)
        return { done: false, value: part }
      }, fail)
    }
    return {
      [Symbol.asyncIterator]() {
        return this
      },
      next() {
        if (!started) {
          started = true
          if (consumed) {
            finished = true
            return Promise.reject(
              new ConfigError('This stream has already been consumed; a stream can be read once.'),
            )
          }
          consumed = true
          release = inFlight?.hold({
            abort(reason) {
              aborted = { reason }
              if (!settled) reject(reason)
              settled = true
              run.return(undefined as never).catch(() => {})
            },
          })
        }
        if (finished) return Promise.resolve(done)
        return run.next().then(take, fail)
      },
      async return() {
        if (!started || finished) {
          finished = true
          return done
        }
        finish()
        if (!settled) {
          await run.return(undefined as never)
          reject(new AbortedError('The stream was closed before it finished.'))
        }
        return done
      },
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
