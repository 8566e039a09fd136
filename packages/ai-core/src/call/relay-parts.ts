import { AimuxError, ConnectionError, StreamInterruptedError, toAimuxError } from '../errors/errors.js'
import { redactSecrets } from '../errors/redact-secrets.js'
import type { ProviderResult, ProviderStreamPart } from '../spec/provider.js'
import type { StreamPart } from '../spec/result.js'
import { createStreamAssembler } from '../spec/stream-assembler.js'
import { toolCallOf } from './step-result.js'

/** The provider and model a stream comes from, named on the errors it ends with. */
export interface StreamSource {
  provider: string
  model: string
}

/**
 * Passes an adapter's stream to the caller as it arrives and assembles the step's result, which
 * it returns when the stream ends. A stream that ends without its 'finish' part is a
 * ConnectionError (retryable: the caller saw nothing yet); any failure once a part has reached the
 * caller becomes a StreamInterruptedError. Not a generator: each part is handed on in the same
 * step that reads it from the adapter.
 */
export function relayStream(
  stream: AsyncIterable<ProviderStreamPart>,
  source: StreamSource,
  onFirstPart: () => void,
): AsyncIterableIterator<StreamPart, ProviderResult> {
  const parts = stream[Symbol.asyncIterator]()
  const assembler = createStreamAssembler()
  let reached = false
  const fail = (error: unknown): never => {
    throw reached ? interrupted(error, assembler.text, source) : error
  }
  const take = (
    next: IteratorResult<ProviderStreamPart>,
  ): IteratorResult<StreamPart, ProviderResult> | Promise<IteratorResult<StreamPart, ProviderResult>> => {
    if (next.done) {
      if (!assembler.finishReason) {
        fail(new ConnectionError('The stream ended without its finish part.', { ...source, retryable: true }))
      }
      return { done: true, value: assembler.result() }
    }
    const part = next.value
    assembler.add(part)
    // Usage and finish go into the step's result, not to the caller: read on.
    if (part.type === 'usage' || part.type === 'finish') return read()
    reached = true
    onFirstPart()
    // A reasoning signature stays in the step's content; the caller gets the text.
    const value: StreamPart =
      part.type === 'reasoning-delta' ? { type: 'reasoning-delta', text: part.text } : part
    return { done: false, value }
  }
  const read = () => parts.next().then(take, fail)
  return {
    [Symbol.asyncIterator]() {
      return this
    },
    next: read,
    async return(value: ProviderResult) {
      await parts.return?.()
      return { done: true, value }
    },
  }
}

/**
 * The error a stream that broke after a part reached the caller ends with: not retryable (the
 * caller has seen part of an answer), holding that text, with the adapter's typed error as its
 * cause. This is the only place a StreamInterruptedError is made; an abort stays an abort.
 */
function interrupted(error: unknown, text: string, source: StreamSource): unknown {
  if (AimuxError.is(error) && error.code === 'aborted') return error
  const cause = toAimuxError(error, source)
  const wrapped = new StreamInterruptedError(
    redactSecrets(`The stream broke after it had started: ${cause.message}`),
    { ...source, cause, retryable: false },
  )
  wrapped.partialText = text
  return wrapped
}

/** A whole result (from a middleware such as a cache) played to a stream's caller as parts. */
export async function* replayResult(
  result: ProviderResult,
  onFirstPart: () => void,
): AsyncGenerator<StreamPart, ProviderResult> {
  for (const part of result.content) {
    onFirstPart()
    if (part.type === 'text') yield { type: 'text-delta', text: part.text }
    else if (part.type === 'reasoning') yield { type: 'reasoning-delta', text: part.text }
    else yield { type: 'tool-call', toolCall: toolCallOf(part) }
  }
  return result
}
