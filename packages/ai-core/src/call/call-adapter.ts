import type { ModelCall, ModelResponse } from '../middleware/middleware.js'
import type { ProviderStreamPart } from '../spec/provider.js'

/** The terminal of the middleware chain: one adapter call. A stream's first part is awaited here,
 * so that a refused connection or an error status rejects inside the middleware (where retries
 * and fallbacks can see it), not later in the caller's loop. */
export async function callAdapter(call: ModelCall): Promise<ModelResponse> {
  if (call.mode === 'generate')
    return { mode: 'generate', result: await call.provider.generate(call.request, call.ctx) }
  const iterator = call.provider.stream(call.request, call.ctx)[Symbol.asyncIterator]()
  const first = await iterator.next()
  async function* rest(): AsyncGenerator<ProviderStreamPart> {
    try {
      if (first.done) return
      yield first.value
      for (;;) {
        const next = await iterator.next()
        if (next.done) return
        yield next.value
      }
    } finally {
      await iterator.return?.()
    }
  }
  return { mode: 'stream', stream: rest() }
}
