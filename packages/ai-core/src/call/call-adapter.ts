import { ConfigError } from '../errors/errors.js'
import type { ModelCall, ModelResponse } from '../middleware/middleware.js'
import type { ProviderStreamPart } from '../spec/provider.js'

/** The terminal of the middleware chain: one adapter call. A stream's first part is awaited here,
 * so that a refused connection or an error status rejects inside the middleware (where retries
 * and fallbacks can see it), not later in the caller's loop. */
export async function callAdapter(call: ModelCall): Promise<ModelResponse> {
  if (call.mode === 'embed') {
    // A fallback from the chain configured for the model may lead to a provider without embeddings.
    if (!call.provider.embed) throw noEmbeddings(call.provider.id, call.request.model)
    return { mode: 'embed', result: await call.provider.embed(call.request, call.ctx) }
  }
  if (call.mode === 'generate')
    return { mode: 'generate', result: await call.provider.generate(call.request, call.ctx) }
  const iterator = call.provider.stream(call.request, call.ctx)[Symbol.asyncIterator]()
  const first = await iterator.next()
  return { mode: 'stream', stream: resumed(first, iterator) }
}

/**
 * The adapter's stream again from its start, `first` already read: the first `next()` gives it,
 * the others go straight to the adapter's iterator, so a part takes no extra step on its way.
 */
function resumed(
  first: IteratorResult<ProviderStreamPart>,
  iterator: AsyncIterator<ProviderStreamPart>,
): AsyncIterableIterator<ProviderStreamPart> {
  let pending: IteratorResult<ProviderStreamPart> | undefined = first
  return {
    [Symbol.asyncIterator]() {
      return this
    },
    next() {
      if (pending === undefined) return iterator.next()
      const next = pending
      pending = undefined
      return Promise.resolve(next)
    },
    async return() {
      pending = undefined
      await iterator.return?.()
      return { done: true, value: undefined }
    },
  }
}

/**
 * The error for an embedding request to a provider whose adapter has no `embed()`, naming the
 * instance's providers that have one when the caller knows them.
 */
export function noEmbeddings(provider: string, model: string, embedders?: readonly string[]): ConfigError {
  const others =
    embedders === undefined
      ? ''
      : embedders.length > 0
        ? ` The providers of this instance that can: ${embedders.join(', ')}.`
        : ' No provider of this instance has one.'
  return new ConfigError(
    `The provider '${provider}' has no embeddings: '${provider}:${model}' cannot embed.${others}`,
    { provider, model },
  )
}
