/**
 * A line of an NDJSON stream that is not JSON. The ollama client would skip it (writing it, key
 * and all, to console.warn) and leave that part of the answer out; the stream fails with this
 * instead, and ollamaError makes it an InvalidResponseError. The line is kept apart from the
 * message, which never holds it.
 */
export class UnreadableLineError extends Error {
  override name = 'UnreadableLineError'
  constructor(readonly line: string) {
    super('a line of the stream is not JSON')
  }
}

/**
 * An NDJSON stream that ended before its `done` object: cut in the middle of a line, or between
 * lines. ollamaError makes it a retryable ConnectionError.
 */
export class StreamEndedEarlyError extends Error {
  override name = 'StreamEndedEarlyError'
}

/**
 * The body of an /api/chat stream, checked line by line before the ollama client reads it: each
 * complete line is passed on once it parses as JSON; a line that does not fails the stream with
 * an {@link UnreadableLineError}, and an end before a `{ "done": true }` object (the last line cut
 * short, or no such line at all) with a {@link StreamEndedEarlyError}.
 */
export function checkedNdjson(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder()
  const encoder = new TextEncoder()
  let pending = ''
  let done = false
  /** The line, once it parses; blank lines are passed on as they are. */
  const checked = (line: string): string => {
    if (line.trim() === '') return line
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw new UnreadableLineError(line)
    }
    if (typeof value === 'object' && value !== null && (value as { done?: unknown }).done === true)
      done = true
    return line
  }
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n')
        pending = lines.pop() ?? ''
        const passed = lines.map((line) => `${checked(line)}\n`).join('')
        if (passed) controller.enqueue(encoder.encode(passed))
      },
      flush(controller) {
        const last = pending + decoder.decode()
        if (last.trim() !== '') {
          try {
            controller.enqueue(encoder.encode(checked(last)))
          } catch {
            throw new StreamEndedEarlyError('the stream ended in the middle of a line')
          }
        }
        if (!done) throw new StreamEndedEarlyError('the stream ended before its done object')
      },
    }),
  )
}
