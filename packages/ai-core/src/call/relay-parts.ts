import { AimuxError, StreamInterruptedError } from '../errors/errors.js'
import { redactSecrets } from '../errors/redact-secrets.js'
import type { ProviderResult, ProviderStreamPart } from '../spec/provider.js'
import type { StreamPart } from '../spec/result.js'
import { createStreamAssembler } from '../spec/stream-assembler.js'
import { toolCallOf } from './step-result.js'

/** Passes an adapter's stream to the caller as it arrives and assembles the step's result. */
export async function* relayStream(
  stream: AsyncIterable<ProviderStreamPart>,
  onFirstPart: () => void,
): AsyncGenerator<StreamPart, ProviderResult> {
  const assembler = createStreamAssembler()
  try {
    for await (const part of stream) {
      assembler.add(part)
      if (part.type === 'usage' || part.type === 'finish') continue
      onFirstPart()
      // A reasoning signature stays in the step's content; the caller gets the text.
      yield part.type === 'reasoning-delta' ? { type: 'reasoning-delta', text: part.text } : part
    }
    if (!assembler.finishReason) {
      throw new StreamInterruptedError('The stream ended without finishing.', {
        retryable: !assembler.started,
      })
    }
  } catch (error) {
    throw interrupted(error, assembler.text, assembler.started)
  }
  return assembler.result()
}

/** The error a broken stream ends with: typed, holding the text that reached the caller. */
function interrupted(error: unknown, text: string, started: boolean): unknown {
  if (StreamInterruptedError.is(error)) {
    error.partialText ||= text
    return error
  }
  if (!started || (AimuxError.is(error) && error.code === 'aborted')) return error
  const reason = error instanceof Error ? error.message : String(error)
  const wrapped = new StreamInterruptedError(
    redactSecrets(`The stream broke after it had started: ${reason}`),
    {
      cause: error,
      retryable: false,
    },
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
