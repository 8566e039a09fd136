import { Allow, parse } from 'partial-json'
import type { StreamPart } from '../spec/result.js'
import { openingFence } from './structured-output.js'

// What may stand unfinished at the end of the text: strings, arrays, objects, and `null`, `true`
// and `false`, which their first letter decides. A number waits for its end: `12` may become `125`.
const partialKinds = Allow.STR | Allow.ARR | Allow.OBJ | Allow.NULL | Allow.BOOL

/**
 * Reading the whole text again at every delta would cost the square of its length over a reply.
 * It is read again once it has grown by this share since the last reading, and always at its end:
 * the work stays linear in the reply's length, the first few hundred characters are still read at
 * every delta of a token or so, and a long reply shows again every 1% it grows.
 */
const growthBeforeReading = 1 / 100

/**
 * The JSON of a reply as far as it has arrived (a ```json fence is skipped, as
 * parseStructuredOutput does), or undefined while none can be read: no value has begun, or the
 * text is not JSON. Lenient by design: the whole reply is validated when it has arrived.
 */
export function parsePartialObject(text: string): unknown {
  const json = text.replace(openingFence, '')
  if (json.trim() === '') return undefined
  try {
    return parse(json, partialKinds)
  } catch {
    return undefined
  }
}

/**
 * Passes a model call's stream parts through, adding an 'object-delta' after each text delta that
 * changed the partial object its text parses to (compared by its JSON text), and one at the end if
 * the whole text changed it. Leaving early closes `parts`.
 */
export async function* withObjectDeltas<R>(
  parts: AsyncGenerator<StreamPart, R>,
): AsyncGenerator<StreamPart, R> {
  let text = ''
  let readLength = 0
  let last: string | undefined
  function read(): StreamPart | undefined {
    readLength = text.length
    const object = parsePartialObject(text)
    if (object === undefined) return undefined
    const json = JSON.stringify(object)
    if (json === last) return undefined
    last = json
    return { type: 'object-delta', object }
  }
  let done = false
  try {
    for (;;) {
      const next = await parts.next()
      if (next.done) {
        done = true
        const delta = text.length > readLength ? read() : undefined
        if (delta) yield delta
        return next.value
      }
      yield next.value
      if (next.value.type !== 'text-delta') continue
      text += next.value.text
      if (text.length - readLength < Math.max(1, readLength * growthBeforeReading)) continue
      const delta = read()
      if (delta) yield delta
    }
  } finally {
    if (!done) await parts.return(undefined as never)
  }
}
